// Tests for the Plotting module live in this folder.

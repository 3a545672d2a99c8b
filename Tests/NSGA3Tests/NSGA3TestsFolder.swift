// Tests for the NSGA3 module live in this folder.

// Tests for the SmallWorld module live in this folder.

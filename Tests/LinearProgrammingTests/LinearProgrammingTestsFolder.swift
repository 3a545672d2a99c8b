// Tests for the LinearProgramming module live in this folder.

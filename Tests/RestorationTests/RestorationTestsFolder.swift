// Tests for the Restoration module live in this folder.

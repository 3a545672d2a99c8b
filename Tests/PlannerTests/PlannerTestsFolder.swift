// Tests for the Planner module live in this folder.

// Tests for the TrafficEquilibrium module live in this folder.

// Tests for the DistributionGrid module live in this folder.

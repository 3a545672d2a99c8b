// The LP wrapper: see LinearProgram.swift.

//! Tests for groups.

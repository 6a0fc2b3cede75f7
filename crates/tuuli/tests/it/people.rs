//! Tests for people.

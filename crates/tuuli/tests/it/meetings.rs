//! Tests for meetings.

//! Evaluation (filled in below).

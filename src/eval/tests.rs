//! Tests of the evaluation on the fixture catalog and small synthetic data.

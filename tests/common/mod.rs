//! Helpers shared by the integration tests.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `f`, expects it to panic, and returns the panic message.
pub fn panic_message(f: impl FnOnce()) -> String {
    let err = catch_unwind(AssertUnwindSafe(f)).expect_err("expected a panic");
    match err.downcast::<String>() {
        Ok(s) => *s,
        Err(e) => e
            .downcast_ref::<&str>()
            .expect("a string panic")
            .to_string(),
    }
}

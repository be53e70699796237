//! Compile-fail tests for the soundness rules of `DESIGN.md`.
//!
//! Each program in `tests/compile_fail/` must be rejected by the compiler,
//! and the expected diagnostics are checked in next to it as a `.stderr`
//! file, so a case that starts failing for some other reason (a typo, a
//! renamed item, a missing import) fails this test too. The cases cover:
//!
//! * rule 1, nothing allocated in a scope outlives it: an array returned
//!   from `no_escape`, stored in an outer variable, returned from a nested
//!   scope, a view of it returned, and an array of `buf.alloc` used after
//!   the buffer is dropped;
//! * rule 2, the outer scope cannot allocate while a nested `Scope::no_escape`
//!   is open;
//! * rule 4, `restore` and `reset` need `&mut` on the buffer, so no array
//!   from `buf.alloc` is live across them;
//! * rule 5, `assume_init` on an `alloc_uninit` array needs `unsafe`;
//! * rule 9, `&mut Scope` is not an allocator (allocator-api2's `Box` would
//!   copy it bitwise);
//! * `Scope` is neither `Send` nor `Sync`, and is invariant in its lifetime:
//!   scopes of different lifetimes cannot be swapped or shortened.
//!
//! Regenerate the `.stderr` files after a compiler upgrade with
//! `TRYBUILD=overwrite cargo test --test compile_fail`, then read them: each
//! must still show the error its case is about.
#![cfg(not(miri))]

#[test]
fn compile_fail() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/compile_fail/*.rs");
    // Cases that need the feature's crate.
    #[cfg(feature = "allocator-api2")]
    t.compile_fail("tests/compile_fail/allocator_api2/*.rs");
}

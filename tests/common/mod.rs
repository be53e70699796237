//! Helpers shared by the integration tests.

use std::panic::{catch_unwind, AssertUnwindSafe};

/// Runs `f`, expects it to panic, and returns the panic message.
#[allow(dead_code)] // not every test file uses every helper
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

/// Allocates a few arrays from `s`, writes and reads them back; returns
/// the sum of the first one (138). Shows a scope still works after a
/// refused operation.
#[allow(dead_code)] // not every test file uses every helper
pub fn exercise_scope(s: &bumper::Scope<'_>) -> u32 {
    let a = s.alloc_with([3, 4], |[i, j]| (10 * i + j) as u32);
    assert_eq!(a.to_vec(), [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]);
    let mut b = s.alloc_filled([4], 7_u64);
    b[[2]] = 9;
    assert_eq!(b.to_vec(), [7, 7, 9, 7]);
    assert_eq!(a[[2, 1]], 21);
    a.iter().sum()
}

/// A buffer still works: a scope on it allocates and reads back values,
/// and gives its memory back (`used_bytes` as before).
#[allow(dead_code)] // not every test file uses every helper
pub fn assert_buffer_usable<B: bumper::Buffer>(buf: &B) {
    let before = buf.used_bytes();
    assert_eq!(buf.no_escape(|s| exercise_scope(s)), 138);
    assert_eq!(buf.used_bytes(), before);
}

/// The thread's default buffer still works (see [`assert_buffer_usable`]).
#[allow(dead_code)] // not every test file uses every helper
pub fn assert_default_buffer_usable() {
    let before = bumper::default_buffer_stats().used_bytes;
    assert_eq!(bumper::no_escape(|s| exercise_scope(s)), 138);
    assert_eq!(bumper::default_buffer_stats().used_bytes, before);
}

/// Deserializes `json` into `s` as a rank-`N` array of `T` (through
/// [`ArraySeed`](bumper::array::ArraySeed)), requiring the whole input.
#[cfg(feature = "serde")]
#[allow(dead_code)] // not every test file uses every helper
pub fn from_json<'s, T, const N: usize>(
    s: &bumper::Scope<'s>,
    json: &str,
) -> Result<bumper::PtrArray<'s, T, N>, serde_json::Error>
where
    T: Copy + serde::de::DeserializeOwned + 's,
{
    use serde::de::DeserializeSeed;
    let mut de = serde_json::Deserializer::from_str(json);
    let a = bumper::array::ArraySeed::<T, N>::new(s).deserialize(&mut de)?;
    de.end()?;
    Ok(a)
}

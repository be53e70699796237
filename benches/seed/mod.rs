//! The seed example's kernels, `y = x .+ 1; sum(y)` with a scratch `y`,
//! one per way of getting scratch memory; shared by `scratch` (criterion)
//! and `instructions` (callgrind). Each is `#[inline(never)]`, so both
//! measure the same call, and passes `y` through `black_box` between the
//! fill and the sum, so the temporary really exists.
#![allow(dead_code)] // each bench uses the kernels it measures

use std::hint::black_box;

use bumper::Buffer;
use dyn_stack::MemStack;

// The bumper variants use `s.alloc` + `iter_mut().zip(x)`. The other natural
// way, `s.alloc_with([n], |[i]| x[i] + 1)`, costs about the same since
// alloc_with fills row by row (callgrind, n = 30, default buffer: 297 vs 291
// instructions per call). `alloc_uninit` + `unsafe assume_init` is not what
// a user would write for this, so it is left out.

/// `y = x .+ 1; sum(y)` on the thread's default buffer.
#[inline(never)]
pub fn bumper_default(x: &[i64]) -> i64 {
    bumper::no_escape(|s| {
        let mut y = s.alloc::<i64, 1>([x.len()]);
        for (yi, xi) in y.iter_mut().zip(x) {
            *yi = xi + 1;
        }
        black_box(&mut y).iter().sum()
    })
}

/// `y = x .+ 1; sum(y)` on a buffer passed by reference.
#[inline(never)]
pub fn bumper_buf(buf: &impl Buffer, x: &[i64]) -> i64 {
    buf.no_escape(|s| {
        let mut y = s.alloc::<i64, 1>([x.len()]);
        for (yi, xi) in y.iter_mut().zip(x) {
            *yi = xi + 1;
        }
        black_box(&mut y).iter().sum()
    })
}

/// `y = x .+ 1; sum(y)` with a `Vec` temporary.
#[inline(never)]
pub fn vec(x: &[i64]) -> i64 {
    let mut y = vec![0_i64; x.len()];
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi = xi + 1;
    }
    black_box(&mut y).iter().sum()
}

/// `y = x .+ 1; sum(y)` on bumpalo: allocate, use, `reset`.
#[inline(never)]
pub fn bumpalo(bump: &mut bumpalo::Bump, x: &[i64]) -> i64 {
    let y = bump.alloc_slice_fill_copy(x.len(), 0_i64);
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi = xi + 1;
    }
    let total = black_box(&mut *y).iter().sum();
    bump.reset();
    total
}

/// `y = x .+ 1; sum(y)` in a bump-scope scope.
#[inline(never)]
pub fn bump_scope(bump: &mut bump_scope::Bump, x: &[i64]) -> i64 {
    bump.scoped(|b| {
        let mut y = b.alloc_slice_fill(x.len(), 0_i64);
        for (yi, xi) in y.iter_mut().zip(x) {
            *yi = xi + 1;
        }
        black_box(&mut *y).iter().sum()
    })
}

/// `y = x .+ 1; sum(y)` on a dyn-stack `MemStack`.
#[inline(never)]
pub fn dyn_stack(stack: &mut MemStack, x: &[i64]) -> i64 {
    let (mut y, _) = stack.make_with(x.len(), |_| 0_i64);
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi = xi + 1;
    }
    black_box(&mut *y).iter().sum()
}

/// `y = x .+ 1; sum(y)` with a stack array of the exact size.
#[inline(never)]
pub fn stack<const N: usize>(x: &[i64]) -> i64 {
    let mut y = [0_i64; N];
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi = xi + 1;
    }
    black_box(&mut y).iter().sum()
}

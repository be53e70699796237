//! The one-minute tour: `cargo run --release --example quickstart`.
//!
//! 1. Bumper.jl's own example, `y = x .+ 1; sum(y)`, with scratch memory from
//!    the thread's default buffer.
//! 2. Nested scopes: temporaries of an inner step are freed when it ends,
//!    while the outer arrays stay usable.
//! 3. A fixed-size buffer on the stack, and what happens when it is full.
//! 4. The point of it all: a hot loop that allocates a temporary on every
//!    iteration, timed against the same loop with `Vec`.

use std::hint::black_box;
use std::mem::MaybeUninit;
use std::time::Instant;

use bumper::{AllocBuffer, Buffer};

/// `f(x) = @no_escape (y = @alloc(eltype(x), length(x)); y .= x .+ 1; sum(y))`
fn f(x: &[i64]) -> i64 {
    bumper::no_escape(|s| {
        let y = s.alloc_with([x.len()], |[i]| x[i] + 1);
        y.iter().sum()
    })
}

/// The same with a heap temporary.
fn f_vec(x: &[i64]) -> i64 {
    let y: Vec<i64> = x.iter().map(|v| v + 1).collect();
    y.iter().sum()
}

/// Row sums of a matrix built in scratch memory, with a nested scope for a
/// per-row temporary.
fn nested_scopes() {
    bumper::no_escape(|s| {
        let m = s.alloc_with([3, 4], |[i, j]| (i * 4 + j) as f64);
        let mut row_norms = s.alloc::<f64, 1>([3]);
        for i in 0..3 {
            // A temporary per row, freed at the end of each inner scope.
            row_norms[[i]] = s.no_escape(|t| {
                let sq = t.alloc_with([4], |[j]| m[[i, j]] * m[[i, j]]);
                sq.iter().sum::<f64>().sqrt()
            });
        }
        println!("matrix {:?}", m.to_vec());
        println!("row norms {:?}", row_norms.to_vec());
        bumper::with_default_buffer(|b| {
            println!(
                "default buffer: {} bytes in use inside the outer scope (matrix + norms)",
                b.used_bytes()
            )
        });
    });
    bumper::with_default_buffer(|b| println!("after it: {} bytes in use", b.used_bytes()));
}

/// A fixed buffer on the stack: no heap at all, and a clear error when full.
fn fixed_buffer() {
    let mut stack = [MaybeUninit::<u8>::uninit(); 256];
    let buf = AllocBuffer::from_slice(&mut stack);
    let total = buf.no_escape(|s| {
        let a = s.alloc_filled([8], 2.5_f64);
        let b = s.alloc_with([8], |[i]| i as f64);
        a.iter().zip(b.iter()).map(|(x, y)| x * y).sum::<f64>()
    });
    println!("dot product in a 256-byte stack buffer: {total}");
    match buf.try_alloc::<f64, 1>([100]) {
        Ok(_) => println!("unexpected: 800 bytes fit in 256"),
        Err(e) => println!("asking for 100 f64 in it: error: {e}"),
    }
}

fn time_per_call(label: &str, iters: u32, mut g: impl FnMut() -> i64) -> f64 {
    let start = Instant::now();
    let mut acc = 0i64;
    for _ in 0..iters {
        acc = acc.wrapping_add(black_box(g()));
    }
    let ns = start.elapsed().as_nanos() as f64 / iters as f64;
    println!("  {label:<28} {ns:7.1} ns/call   (checksum {acc})");
    ns
}

fn main() {
    let x = [1_i64, 2, 3];
    println!("1. f([1, 2, 3]) = {} (Bumper.jl gives 9)", f(&x));
    bumper::with_default_buffer(|b| {
        println!(
            "   default buffer afterwards: {} bytes in use",
            b.used_bytes()
        )
    });

    println!("\n2. nested scopes");
    nested_scopes();

    println!("\n3. a fixed buffer on the stack");
    fixed_buffer();

    println!("\n4. 30-element temporary in a hot loop (rough timing; see BENCHMARKS.md for criterion figures)");
    let x: Vec<i64> = (1..=30).collect();
    let iters = 2_000_000;
    let t_bump = time_per_call("bumper::no_escape + alloc", iters, || f(black_box(&x)));
    let t_vec = time_per_call("Vec temporary", iters, || f_vec(black_box(&x)));
    println!("  ratio bumper / Vec = {:.2}", t_bump / t_vec);
}

//! Property-testing your own array kernels: proptest + approx on scope arrays.
//!
//! `cargo run --release --example property_tested_math`
//!
//! Three kernels of the kind you would write yourself on [`PtrArray`]
//! (`axpy`, `normalise`, a row-wise `softmax`), each checked on random
//! inputs against a plain `Vec` model, including on strided views (every
//! other element, a transposed matrix). The tolerances follow from what
//! the code does:
//!
//! * `axpy` does the same one multiply-add per element as the model, so the
//!   results must be *equal* (`prop_assert_eq!`).
//! * `normalise` divides by the crate's `norm`, which sums pairwise; the
//!   model sums left to right. The two norms differ by a few units in the
//!   last place, so the results are compared with
//!   `approx::assert_relative_eq!` on the arrays themselves (feature
//!   `approx`, on by default) with `max_relative = 1e-12`.
//! * `softmax` sums too (pairwise, in an order that follows memory), so its
//!   checks are relative as well.
//!
//! The last property is meant to fail: a naive softmax without the
//! max-subtraction gives NaN when `exp` overflows (an element above
//! ln(f64::MAX) = 709.78: inf / inf) or when a whole row underflows (every
//! element below -745.13: 0 / 0). proptest finds such an input and shrinks
//! it towards a small one, which is printed.
//!
//! To copy this into your crate's tests, put each `check(..)` body in a
//! `proptest! { #[test] fn ..(..) { .. } }` block; the closures are the same.
//! Here `TestRunner` is driven by hand so that `cargo run` shows the results.

use std::fmt::Debug;

use approx::{assert_relative_eq, relative_eq};
use bumper::{ArrayView, PtrArray};
use proptest::collection::vec;
use proptest::prelude::*;
use proptest::test_runner::{Config, RngAlgorithm, TestCaseResult, TestError, TestRng, TestRunner};

const CASES: u32 = 256;

// ---- the kernels under test ---------------------------------------------------

/// `y += a * x`, for any layouts of `x` and `y`.
fn axpy(a: f64, x: ArrayView<'_, f64, 1>, y: &mut PtrArray<'_, f64, 1>) {
    y.zip_mut_with(x, |yi, xi| *yi += a * xi);
}

/// Scales `x` to unit Euclidean norm (any rank); returns the old norm.
/// A zero array is left as it is.
fn normalise<const N: usize>(x: &mut PtrArray<'_, f64, N>) -> f64 {
    let norm = x.norm();
    if norm > 0.0 {
        *x /= norm;
    }
    norm
}

/// Softmax of every row of `m`, in place: `exp(x - max) / sum(exp(x - max))`.
/// Works on any layout; `softmax_rows(&mut m.t_mut())` does the columns.
fn softmax_rows(m: &mut PtrArray<'_, f64, 2>) {
    for i in 0..m.shape()[0] {
        let mut row = m.index_axis_mut::<1>(0, i);
        let max = row.max().expect("softmax of an empty row");
        row.map_inplace(|x| *x = (*x - max).exp());
        let sum = row.sum();
        row /= sum;
    }
}

/// The textbook formula without the max-subtraction: `exp` overflows (or
/// underflows for a whole row), and the row becomes NaN.
fn softmax_rows_naive(m: &mut PtrArray<'_, f64, 2>) {
    for i in 0..m.shape()[0] {
        let mut row = m.index_axis_mut::<1>(0, i);
        row.map_inplace(|x| *x = x.exp());
        let sum = row.sum();
        row /= sum;
    }
}

// ---- the models: plain Vec code, obviously right ----------------------------------

fn softmax_model(rows: usize, cols: usize, data: &[f64]) -> Vec<f64> {
    let mut out = Vec::with_capacity(rows * cols);
    for row in data.chunks(cols) {
        let max = row.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        let exps: Vec<f64> = row.iter().map(|x| (x - max).exp()).collect();
        let sum: f64 = exps.iter().sum();
        out.extend(exps.iter().map(|e| e / sum));
    }
    out
}

// ---- strategies ------------------------------------------------------------------

/// `(rows, cols, row-major data)` with 1..=6 rows, 1..=12 columns and
/// elements drawn from `range`.
fn matrix(range: std::ops::Range<f64>) -> impl Strategy<Value = (usize, usize, Vec<f64>)> {
    (1..=6usize, 1..=12usize)
        .prop_flat_map(move |(r, c)| vec(range.clone(), r * c).prop_map(move |d| (r, c, d)))
}

// ---- running ------------------------------------------------------------------------

/// Runs one property for `CASES` random inputs; prints the outcome and
/// returns whether it held.
fn check<S>(name: &str, strategy: S, test: impl Fn(S::Value) -> TestCaseResult) -> bool
where
    S: Strategy,
    S::Value: Debug,
{
    let config = Config {
        cases: CASES,
        // An example has no source file to store regressions next to.
        failure_persistence: None,
        ..Config::default()
    };
    // Deterministic so the printed output is the same on every run; in a
    // test suite, `TestRunner::new(config)` draws a fresh seed each time.
    let rng = TestRng::deterministic_rng(RngAlgorithm::ChaCha);
    let mut runner = TestRunner::new_with_rng(config, rng);
    match runner.run(&strategy, test) {
        Ok(()) => {
            println!("  ok      {name} ({CASES} cases)");
            true
        }
        Err(TestError::Fail(why, minimal)) => {
            println!("  FAILED  {name}\n          {why}\n          minimal input: {minimal:?}");
            false
        }
        Err(TestError::Abort(why)) => {
            println!("  ABORTED {name}: {why}");
            false
        }
    }
}

fn main() {
    println!("properties of user-written kernels on scope arrays, checked against Vec models:");
    let mut all_hold = true;

    all_hold &= check(
        "axpy on a strided x (every other element) equals the Vec model exactly",
        (-1e3..1e3f64, vec(-1e3..1e3f64, 0..40)),
        |(a, ys)| {
            let xs: Vec<f64> = ys
                .iter()
                .map(|y| 0.5 * y - 1.0)
                .chain(ys.iter().copied())
                .collect();
            bumper::no_escape(|s| {
                // `x` has 2n elements; axpy reads x[0], x[2], x[4], ...
                let x = s.alloc_from_slice([xs.len()], &xs);
                let mut y = s.alloc_from_slice([ys.len()], &ys);
                axpy(a, x.slice_axis_step(0, .., 2), &mut y);

                let model: Vec<f64> = ys
                    .iter()
                    .zip(xs.iter().step_by(2))
                    .map(|(y, x)| y + a * x)
                    .collect();
                prop_assert_eq!(y.to_vec(), model);
                Ok(())
            })
        },
    );

    all_hold &= check(
        "normalise: unit norm, and within 1e-12 (relative) of the Vec model",
        matrix(-1e3..1e3),
        |(r, c, data)| {
            bumper::no_escape(|s| {
                let mut m = s.alloc_from_slice([r, c], &data);
                let norm = normalise(&mut m);

                let model_norm = data.iter().map(|x| x * x).sum::<f64>().sqrt();
                let model: Vec<f64> = data.iter().map(|x| x / model_norm).collect();
                // approx on whole arrays: equal shapes and every pair of
                // elements relatively equal. A plain assert (it panics) is
                // fine inside a property: proptest catches the panic and
                // shrinks the input like for prop_assert!.
                assert_relative_eq!(norm, model_norm, max_relative = 1e-12);
                assert_relative_eq!(
                    m,
                    ArrayView::from_slice([r, c], &model).unwrap(),
                    max_relative = 1e-12
                );
                assert_relative_eq!(m.norm(), 1.0, max_relative = 1e-12);
                Ok(())
            })
        },
    );

    all_hold &= check(
        "softmax of each row is within 1e-12 (relative) of the Vec model",
        matrix(-50.0..50.0),
        |(r, c, data)| {
            bumper::no_escape(|s| {
                let mut m = s.alloc_from_slice([r, c], &data);
                softmax_rows(&mut m);
                let model = softmax_model(r, c, &data);
                let model = ArrayView::from_slice([r, c], &model).unwrap();
                // relative_eq! (a bool) inside prop_assert!: a failure is a
                // returned error, reported with the shrunk input, no panic.
                prop_assert!(
                    relative_eq!(m, model, max_relative = 1e-12),
                    "softmax {m}\nmodel {model}"
                );
                Ok(())
            })
        },
    );

    all_hold &= check(
        "softmax on a transposed (strided) view does the columns: equals the rows of the transpose",
        matrix(-50.0..50.0),
        |(r, c, data)| {
            bumper::no_escape(|s| {
                // Columns in place, through a transposed view of `m`.
                let mut m = s.alloc_from_slice([r, c], &data);
                softmax_rows(&mut m.t_mut());
                // Rows of a contiguous copy of the transpose.
                let mut mt = s.alloc_with([c, r], |[i, j]| data[j * c + i]);
                softmax_rows(&mut mt);
                prop_assert!(
                    relative_eq!(m.t(), mt, max_relative = 1e-12),
                    "{m}\nvs\n{mt}"
                );
                // And every column sums to 1.
                let col_sums = m.sum_axis::<1>(0, s);
                prop_assert!(col_sums
                    .iter()
                    .all(|x| relative_eq!(*x, 1.0, max_relative = 1e-12)));
                Ok(())
            })
        },
    );

    all_hold &= check(
        "softmax stays finite and sums to 1 for inputs up to +-1000",
        matrix(-1e3..1e3),
        |(r, c, data)| {
            bumper::no_escape(|s| {
                let mut m = s.alloc_from_slice([r, c], &data);
                softmax_rows(&mut m);
                prop_assert!(m.iter().all(|x| x.is_finite() && (0.0..=1.0).contains(x)));
                let row_sums = m.sum_axis::<1>(1, s);
                prop_assert!(row_sums
                    .iter()
                    .all(|x| relative_eq!(*x, 1.0, max_relative = 1e-12)));
                Ok(())
            })
        },
    );

    println!("\nthe same property for the naive softmax (expected to fail):");
    let naive_holds = check(
        "naive softmax stays finite for inputs up to +-1000",
        matrix(-1e3..1e3),
        |(r, c, data)| {
            bumper::no_escape(|s| {
                let mut m = s.alloc_from_slice([r, c], &data);
                softmax_rows_naive(&mut m);
                prop_assert!(m.iter().all(|x| x.is_finite()), "softmax gave {m}");
                Ok(())
            })
        },
    );
    assert!(!naive_holds, "proptest should have found the overflow");
    println!(
        "  (exp(x) is infinite above ln(f64::MAX) = {:.2} and 0 below -745.13: \
         a row of them gives inf / inf or 0 / 0, both NaN)",
        f64::MAX.ln(),
    );

    let st = bumper::default_buffer_stats();
    println!(
        "\ndefault buffer after all cases: {} bytes in use, high-water mark {} bytes",
        st.used_bytes, st.high_water_bytes
    );
    if !all_hold {
        eprintln!("some properties failed");
        std::process::exit(1);
    }
}

//! Instructions per call of the scope fast path, counted by callgrind: a
//! measure that, unlike wall time, does not move with the machine's noise.
//!
//! `cargo bench --bench instructions` runs each case below under
//! `valgrind --tool=callgrind` twice, with `LOW` and `HIGH` calls, and prints
//! `(Ir(HIGH) - Ir(LOW)) / (HIGH - LOW)`: the instructions one call costs,
//! start-up and the first (slow-path) call excluded. The loop around the
//! call (increment, compare, branch, and the call itself) is included, as in
//! bump-scope's callgrind benches; `empty_call` measures that overhead alone.
//!
//! Without valgrind on the `PATH` it says so and exits successfully, so that
//! `cargo bench` still runs the other groups.
//!
//! Each case is an `#[inline(never)]` function that returns what it
//! allocated through `black_box`, so nothing is optimised away.
//!
//! The second table counts the seed example, `y = x .+ 1; sum(y)` for
//! n = 3 and 30, with the same kernels the `scratch` criterion bench times
//! (`benches/seed/mod.rs`), and gives bumper's count over each peer's: the
//! noise-free companion of the criterion ratios.

use std::hint::black_box;
use std::process::Command;

use bumper::{AllocBuffer, Buffer, SlabBuffer};
use dyn_stack::{MemBuffer, MemStack, StackReq};

mod seed;

/// Calls in the short and the long run; their difference divides the count.
const LOW: u64 = 1_000;
const HIGH: u64 = 101_000;

/// The environment variable that makes the binary run one case (the child).
const CHILD: &str = "BUMPER_INSTRUCTIONS_CASE";

/// The loop and call alone.
#[inline(never)]
fn empty_call() -> usize {
    black_box(0)
}

/// An empty scope on the default buffer.
#[inline(never)]
fn scope_only() -> usize {
    bumper::no_escape(|s| black_box(s.depth()))
}

/// `no_escape` + 8 raw bytes (`@alloc_ptr`) + return.
#[inline(never)]
fn scope_alloc_ptr() -> usize {
    bumper::no_escape(|s| black_box(s.alloc_ptr(8, 8)).as_ptr().addr())
}

/// `no_escape` + an uninitialised `[f64; 8]` array + return.
#[inline(never)]
fn scope_alloc_uninit_array() -> usize {
    bumper::no_escape(|s| black_box(s.alloc_uninit::<f64, 1>([8])).as_ptr().addr())
}

/// `no_escape` + a zeroed `[f64; 8]` array (`s.alloc`) + return.
#[inline(never)]
fn scope_alloc_array() -> usize {
    bumper::no_escape(|s| black_box(s.alloc::<f64, 1>([8])).as_ptr().addr())
}

/// `buf.no_escape` + a zeroed array on an explicit `SlabBuffer`.
#[inline(never)]
fn slab_alloc_array(buf: &SlabBuffer) -> usize {
    buf.no_escape(|s| black_box(s.alloc::<f64, 1>([8])).as_ptr().addr())
}

/// `buf.no_escape` + a zeroed array on an `AllocBuffer`.
#[inline(never)]
fn fixed_alloc_array(buf: &AllocBuffer) -> usize {
    buf.no_escape(|s| black_box(s.alloc::<f64, 1>([8])).as_ptr().addr())
}

/// bump-scope: `scoped` + a zeroed `[f64]` of 8 (its closest equivalent).
#[inline(never)]
fn bump_scope_alloc(bump: &mut bump_scope::Bump) -> usize {
    bump.scoped(|b| black_box(b.alloc_slice_fill(8, 0.0_f64)).as_ptr().addr())
}

/// bumpalo: a zeroed `[f64]` of 8, then `reset`.
#[inline(never)]
fn bumpalo_alloc(bump: &mut bumpalo::Bump) -> usize {
    let p = black_box(bump.alloc_slice_fill_copy(8, 0.0_f64))
        .as_ptr()
        .addr();
    bump.reset();
    p
}

/// `Vec`: `vec![0.0; 8]` and its drop (malloc + free).
#[inline(never)]
fn vec_alloc() -> usize {
    let v = black_box(vec![0.0_f64; 8]);
    v.as_ptr().addr()
}

/// The cases: name and what one call does.
const CASES: [(&str, &str); 10] = [
    ("empty_call", "loop + call, nothing else"),
    ("scope_only", "bumper::no_escape, no allocation"),
    ("scope_alloc_ptr", "no_escape + alloc_ptr(8, 8)"),
    (
        "scope_alloc_uninit_array",
        "no_escape + alloc_uninit::<f64, 1>([8])",
    ),
    (
        "scope_alloc_array",
        "no_escape + alloc::<f64, 1>([8]) (zeroed)",
    ),
    ("slab_alloc_array", "SlabBuffer::no_escape + alloc([8])"),
    ("fixed_alloc_array", "AllocBuffer::no_escape + alloc([8])"),
    (
        "bump_scope_alloc",
        "bump-scope scoped + alloc_slice_fill(8, 0.0)",
    ),
    (
        "bumpalo_alloc",
        "bumpalo alloc_slice_fill_copy(8, 0.0) + reset",
    ),
    ("vec_alloc", "vec![0.0; 8] + drop (malloc + free)"),
];

/// Calls `f` `calls` times, keeping every result alive through `black_box`.
#[inline(always)]
fn repeat(calls: u64, mut f: impl FnMut() -> usize) {
    let mut acc = 0_usize;
    for _ in 0..calls {
        acc = acc.wrapping_add(f());
    }
    black_box(acc);
}

/// The seed example's variants (see `benches/seed/mod.rs`) and sizes.
const SEED_VARIANTS: [&str; 8] = [
    "bumper_default",
    "bumper_slab",
    "bumper_alloc_buffer",
    "bump_scope",
    "bumpalo",
    "dyn_stack",
    "vec",
    "stack",
];
const SEED_SIZES: [usize; 2] = [3, 30];

/// Runs the seed example's `variant` on `n` elements `calls` times.
fn run_seed(variant: &str, n: usize, calls: u64) {
    let x: Vec<i64> = (1..=n as i64).collect();
    let x = &x[..];
    let expected = x.iter().sum::<i64>() + n as i64;
    let slab: SlabBuffer = SlabBuffer::new();
    let fixed = AllocBuffer::with_capacity(4096);
    let mut bs = bump_scope::Bump::with_size(1 << 16);
    let mut ba = bumpalo::Bump::with_capacity(1 << 16);
    let mut ds_mem = MemBuffer::new(StackReq::new::<i64>(64));
    let ds = MemStack::new(&mut ds_mem);
    let mut f: Box<dyn FnMut() -> i64 + '_> = match (variant, n) {
        ("bumper_default", _) => Box::new(|| seed::bumper_default(black_box(x))),
        ("bumper_slab", _) => Box::new(|| seed::bumper_buf(&slab, black_box(x))),
        ("bumper_alloc_buffer", _) => Box::new(|| seed::bumper_buf(&fixed, black_box(x))),
        ("bump_scope", _) => Box::new(|| seed::bump_scope(&mut bs, black_box(x))),
        ("bumpalo", _) => Box::new(|| seed::bumpalo(&mut ba, black_box(x))),
        ("dyn_stack", _) => Box::new(|| seed::dyn_stack(ds, black_box(x))),
        ("vec", _) => Box::new(|| seed::vec(black_box(x))),
        ("stack", 3) => Box::new(|| seed::stack::<3>(black_box(x))),
        ("stack", 30) => Box::new(|| seed::stack::<30>(black_box(x))),
        _ => panic!("unknown seed case {variant}/{n}"),
    };
    assert_eq!(f(), expected, "{variant}/{n} computes the wrong sum");
    // The same loop for every variant: one indirect call per iteration
    // (the loop overhead cancels in the ratios only approximately, so it
    // is reported: see `seed_overhead`).
    let mut acc = 0_i64;
    for _ in 0..calls {
        acc = acc.wrapping_add(f());
    }
    black_box(acc);
}

/// Runs `case` `calls` times (the child process). The case is chosen once,
/// outside the loop, so each loop is just the call.
fn run_case(case: &str, calls: u64) {
    if let Some(rest) = case.strip_prefix("seed/") {
        let (variant, n) = rest.split_once('/').expect("seed/variant/n");
        return run_seed(variant, n.parse().expect("a size"), calls);
    }
    let slab = SlabBuffer::new();
    let fixed = AllocBuffer::with_capacity(4096);
    let mut bs = bump_scope::Bump::new();
    let mut ba = bumpalo::Bump::new();
    match case {
        "empty_call" => repeat(calls, empty_call),
        "scope_only" => repeat(calls, scope_only),
        "scope_alloc_ptr" => repeat(calls, scope_alloc_ptr),
        "scope_alloc_uninit_array" => repeat(calls, scope_alloc_uninit_array),
        "scope_alloc_array" => repeat(calls, scope_alloc_array),
        "slab_alloc_array" => repeat(calls, || slab_alloc_array(&slab)),
        "fixed_alloc_array" => repeat(calls, || fixed_alloc_array(&fixed)),
        "bump_scope_alloc" => repeat(calls, || bump_scope_alloc(&mut bs)),
        "bumpalo_alloc" => repeat(calls, || bumpalo_alloc(&mut ba)),
        "vec_alloc" => repeat(calls, vec_alloc),
        _ => panic!("unknown case {case:?}"),
    }
}

/// Total instructions callgrind counts for `calls` calls of `case`.
fn count(exe: &str, case: &str, calls: u64) -> Result<u64, String> {
    let out_file = std::env::temp_dir().join(format!(
        "bumper-callgrind-{}-{}-{calls}.out",
        std::process::id(),
        case.replace('/', "-")
    ));
    let status = Command::new("valgrind")
        .arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out_file.display()))
        .arg(exe)
        .env(CHILD, format!("{case}:{calls}"))
        .output()
        .map_err(|e| format!("could not run valgrind: {e}"))?;
    if !status.status.success() {
        return Err(format!(
            "valgrind failed on {case} ({calls} calls): {}",
            String::from_utf8_lossy(&status.stderr)
        ));
    }
    let text = std::fs::read_to_string(&out_file)
        .map_err(|e| format!("no callgrind output at {}: {e}", out_file.display()))?;
    let _ = std::fs::remove_file(&out_file);
    text.lines()
        .find_map(|l| {
            l.strip_prefix("totals:")
                .or_else(|| l.strip_prefix("summary:"))
        })
        .and_then(|v| v.trim().parse().ok())
        .ok_or_else(|| format!("no totals line in callgrind output for {case}"))
}

fn main() {
    if let Ok(spec) = std::env::var(CHILD) {
        let (case, calls) = spec.split_once(':').expect("case:calls");
        run_case(case, calls.parse().expect("a call count"));
        return;
    }
    // `cargo bench` passes `--bench`; a further argument filters the cases.
    let filter: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    if Command::new("valgrind").arg("--version").output().is_err() {
        println!("instructions: valgrind is not installed; skipping the callgrind counts");
        return;
    }
    let exe = std::env::current_exe().expect("own path");
    let exe = exe.to_str().expect("UTF-8 path");
    println!("instructions per call (callgrind, ({HIGH} - {LOW}) calls, loop and call included)");
    for (case, what) in CASES {
        if !filter.is_empty() && !filter.iter().any(|f| case.contains(f.as_str())) {
            continue;
        }
        match (count(exe, case, LOW), count(exe, case, HIGH)) {
            (Ok(lo), Ok(hi)) => {
                let per_call = (hi as f64 - lo as f64) / (HIGH - LOW) as f64;
                println!("{case:<26} {per_call:>7.1}   {what}");
            }
            (Err(e), _) | (_, Err(e)) => fail(&e),
        }
    }
    if !filter.is_empty() && !filter.iter().any(|f| "seed".contains(f.as_str())) {
        return;
    }
    println!();
    println!("seed example y = x .+ 1; sum(y): instructions per call, and bumper_default / peer");
    for n in SEED_SIZES {
        let counts: Vec<(&str, f64)> = SEED_VARIANTS
            .iter()
            .map(|v| {
                let case = format!("seed/{v}/{n}");
                match (count(exe, &case, LOW), count(exe, &case, HIGH)) {
                    (Ok(lo), Ok(hi)) => (*v, (hi as f64 - lo as f64) / (HIGH - LOW) as f64),
                    (Err(e), _) | (_, Err(e)) => fail(&e),
                }
            })
            .collect();
        let ours = counts[0].1;
        for (v, c) in &counts {
            println!("n = {n:<4} {v:<22} {c:>7.1}   ratio {:.2}", ours / c);
        }
    }
}

/// Reports a failed measurement and exits unsuccessfully.
fn fail(e: &str) -> ! {
    eprintln!("{e}");
    std::process::exit(1)
}

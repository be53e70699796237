//! Soak test: two threads each do a long random walk of scope operations on
//! their own default buffer (1 MiB slabs) and check that memory stays
//! bounded by what is live.
//!
//! `BUMPER_SOAK=N` sets the number of operations (N in all, split between
//! the two threads); without it a small walk of 20,000 runs (1,000 under Miri),
//! so a plain `cargo test` still checks everything below. The heavy run:
//!
//! ```sh
//! BUMPER_SOAK=10000000 cargo test --release --test soak -- --nocapture
//! ```
//!
//! Each step is one of: an array of `u64` (mostly small, some up to 256 KiB)
//! filled with a pattern, raw bytes at a random alignment, a rare oversized
//! request (1 to 2 MiB: a custom slab), a nested scope (`Scope::no_escape`,
//! or `bumper::no_escape` as a called function would), a re-check of a live
//! array, or the end of the scope. The walk keeps, per thread, the bytes it
//! has live (each request plus the most padding its alignment can need), and
//! checks, every few steps and at every scope end:
//!
//! * `live <= used_bytes <= live + padding bound`, `open_scopes` = depth;
//! * slabs held: at most `regular live / (SLAB - largest regular request) + 2`
//!   (every slab before the current one was left only when a request did
//!   not fit, so it is nearly full of live data; plus the current slab and
//!   one spare); custom slabs: the live oversized requests, exactly;
//! * every live array and raw region still holds its pattern;
//!
//! and at the end: `used_bytes == 0`, no custom slab, at most two slabs
//! (the first one and the spare), and a high-water mark between the most
//! ever live and that plus the padding bound.

use std::ptr::NonNull;
use std::time::Instant;

use bumper::{PtrArray, Scope};

/// The default buffer's slab size.
const SLAB: usize = 1 << 20;
/// Largest regular (non-oversized) request: a `u64` array of 32,768
/// elements (4 KiB raw requests are smaller).
const MAX_REGULAR: usize = if cfg!(miri) { 256 * 8 } else { 32_768 * 8 };
/// Deepest nesting of scopes.
const MAX_DEPTH: usize = 12;

/// SplitMix64: deterministic, so a failure replays from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// What one thread's walk has seen.
#[derive(Debug, Default, Clone, Copy)]
struct Figures {
    ops: u64,
    scopes: u64,
    arrays: u64,
    raw: u64,
    oversized: u64,
    checks: u64,
    /// Most bytes ever live (requests only) and live plus padding bound.
    max_live: usize,
    max_bound: usize,
    max_regular_bound: usize,
    max_depth: usize,
    max_slabs: usize,
    max_custom_slabs: usize,
    max_reserved: usize,
    high_water: usize,
    end_slabs: usize,
}

/// One thread's walk.
struct Walker {
    rng: Rng,
    ops_left: u64,
    depth: usize,
    /// Bytes requested and live.
    live: usize,
    /// `live` plus, per live request, its alignment minus one.
    bound: usize,
    /// `bound` for regular (slab) requests only.
    regular_bound: usize,
    /// Live oversized requests (each has its own custom slab).
    customs: usize,
    fig: Figures,
}

/// A raw region written with one byte value.
struct Raw {
    ptr: NonNull<u8>,
    size: usize,
    byte: u8,
}

impl Raw {
    fn check(&self) {
        if self.size == 0 {
            return;
        }
        // SAFETY: the region was handed out by a scope that is still open
        // (regions live in the frame of their scope's closure) and was
        // written in full when made.
        let bytes = unsafe { std::slice::from_raw_parts(self.ptr.as_ptr(), self.size) };
        for &at in &[0, self.size / 2, self.size - 1] {
            assert_eq!(bytes[at], self.byte, "raw region of {} bytes", self.size);
        }
    }
}

fn check_array(a: &PtrArray<'_, u64, 1>, seed: u64) {
    for (i, &x) in a.iter().enumerate() {
        assert_eq!(x, seed ^ i as u64, "array of {} elements", a.len());
    }
}

impl Walker {
    fn new(seed: u64, ops: u64) -> Self {
        Walker {
            rng: Rng(seed),
            ops_left: ops,
            depth: 0,
            live: 0,
            bound: 0,
            regular_bound: 0,
            customs: 0,
            fig: Figures::default(),
        }
    }

    /// Counts a request of `size` bytes aligned to `align` as live.
    fn take(&mut self, size: usize, align: usize, regular: bool) {
        self.live += size;
        self.bound += size + align - 1;
        if regular {
            self.regular_bound += size + align - 1;
        } else {
            self.customs += 1;
        }
        let f = &mut self.fig;
        f.max_live = f.max_live.max(self.live);
        f.max_bound = f.max_bound.max(self.bound);
        f.max_regular_bound = f.max_regular_bound.max(self.regular_bound);
    }

    fn give_back(&mut self, size: usize, align: usize, regular: bool) {
        self.live -= size;
        self.bound -= size + align - 1;
        if regular {
            self.regular_bound -= size + align - 1;
        } else {
            self.customs -= 1;
        }
    }

    /// The buffer against what is live.
    fn check_buffer(&mut self) {
        let st = bumper::default_buffer_stats();
        assert!(
            self.live <= st.used_bytes && st.used_bytes <= self.bound,
            "used_bytes {} outside [{}, {}]",
            st.used_bytes,
            self.live,
            self.bound
        );
        assert_eq!(st.open_scopes, self.depth);
        assert_eq!(st.slab_size, SLAB);
        assert_eq!(
            st.custom_slabs, self.customs,
            "one custom slab per oversized request"
        );
        let max_slabs = self.fig.max_regular_bound / (SLAB - MAX_REGULAR) + 2;
        assert!(
            st.slabs <= max_slabs,
            "{} slabs held, bound {max_slabs}",
            st.slabs
        );
        let f = &mut self.fig;
        f.checks += 1;
        f.max_slabs = f.max_slabs.max(st.slabs);
        f.max_custom_slabs = f.max_custom_slabs.max(st.custom_slabs);
        f.max_reserved = f.max_reserved.max(st.reserved_bytes);
    }

    /// The body of a scope at `self.depth`: random steps until it ends.
    fn scope_body(&mut self, s: &mut Scope<'_>) {
        self.fig.scopes += 1;
        self.fig.max_depth = self.fig.max_depth.max(self.depth);
        let mut arrays: Vec<(PtrArray<'_, u64, 1>, u64)> = Vec::new();
        let mut raws: Vec<(Raw, usize, bool)> = Vec::new();
        while self.ops_left > 0 {
            self.ops_left -= 1;
            self.fig.ops += 1;
            // The first step of a thread is an oversized request, so even
            // the small walk makes a custom slab.
            let r = if self.fig.ops == 1 {
                640
            } else {
                self.rng.below(1000)
            };
            match r {
                // A small array; a medium one now and then.
                0..=539 => {
                    let n = if r < 470 {
                        self.rng.below(64)
                    } else {
                        self.rng.below(MAX_REGULAR / 8 + 1)
                    };
                    let seed = self.rng.next();
                    let a = s.alloc_with([n], |[i]| seed ^ i as u64);
                    assert_eq!(a.as_ptr().addr() % 8, 0);
                    self.take(n * 8, 8, true);
                    arrays.push((a, seed));
                    self.fig.arrays += 1;
                }
                // Raw bytes at a random alignment (up to 4 KiB of them).
                540..=639 => {
                    let size = self.rng.below(4097);
                    let align = 1 << self.rng.below(7);
                    let byte = self.rng.next() as u8;
                    let p = s.alloc_ptr(size, align);
                    assert_eq!(p.as_ptr().addr() % align, 0);
                    // SAFETY: `size` bytes were just handed out at `p`.
                    unsafe { p.as_ptr().write_bytes(byte, size) };
                    self.take(size, align, true);
                    raws.push((Raw { ptr: p, size, byte }, align, true));
                    self.fig.raw += 1;
                }
                // Oversized: a custom slab (one step in 1,000; under Miri,
                // one in 10,000).
                640 if !cfg!(miri) || self.fig.ops == 1 || self.rng.below(10) == 0 => {
                    let size = SLAB + self.rng.below(SLAB);
                    let byte = self.rng.next() as u8;
                    let p = s.alloc_ptr(size, 8);
                    assert_eq!(p.as_ptr().addr() % 8, 0);
                    // SAFETY: `size` bytes were just handed out at `p`.
                    unsafe { p.as_ptr().write_bytes(byte, size) };
                    self.take(size, 8, false);
                    raws.push((Raw { ptr: p, size, byte }, 8, false));
                    self.fig.oversized += 1;
                }
                // A nested scope.
                641..=779 if self.depth < MAX_DEPTH => {
                    self.depth += 1;
                    if r < 740 {
                        s.no_escape(|t| self.scope_body(t));
                    } else {
                        // Through the default buffer, as a function that
                        // opens its own scope would.
                        bumper::no_escape(|t| self.scope_body(t));
                    }
                    self.depth -= 1;
                    self.check_buffer();
                    // The inner scope did not touch this one's data.
                    if let Some((a, seed)) = arrays.last() {
                        check_array(a, *seed);
                    }
                }
                // Re-check a live array.
                780..=899 if !arrays.is_empty() => {
                    let k = self.rng.below(arrays.len());
                    check_array(&arrays[k].0, arrays[k].1);
                }
                // The end of this scope.
                900..=999 => break,
                _ => {}
            }
            if self.fig.ops.is_multiple_of(16) {
                self.check_buffer();
            }
        }
        for (a, seed) in &arrays {
            check_array(a, *seed);
        }
        for (raw, _, _) in &raws {
            raw.check();
        }
        self.check_buffer();
        for (a, _) in &arrays {
            self.give_back(a.len() * 8, 8, true);
        }
        for (raw, align, regular) in &raws {
            self.give_back(raw.size, *align, *regular);
        }
    }
}

/// One thread: top-level scopes until the operations are used up.
fn walk(seed: u64, ops: u64) -> Figures {
    let mut w = Walker::new(seed, ops);
    while w.ops_left > 0 {
        w.depth = 1;
        bumper::no_escape(|s| w.scope_body(s));
        w.depth = 0;
        w.check_buffer();
        assert_eq!(bumper::default_buffer_stats().used_bytes, 0);
    }
    let st = bumper::default_buffer_stats();
    assert_eq!((st.used_bytes, st.custom_slabs, st.open_scopes), (0, 0, 0));
    assert!(st.slabs <= 2, "{} slabs held at the end", st.slabs);
    assert!(st.reserved_bytes <= 2 * SLAB);
    let mut f = w.fig;
    // The high-water mark is at least what was ever live, and at most that
    // plus the padding bound.
    f.high_water = st.high_water_bytes;
    assert!(
        f.max_live <= f.high_water && f.high_water <= f.max_bound,
        "high water {} outside [{}, {}]",
        f.high_water,
        f.max_live,
        f.max_bound
    );
    f.end_slabs = st.slabs;
    f
}

#[test]
fn two_threads_stay_bounded() {
    let total: u64 = match std::env::var("BUMPER_SOAK") {
        Ok(n) => n.parse().expect("BUMPER_SOAK is a number of operations"),
        Err(_) if cfg!(miri) => 1_000,
        Err(_) => 20_000,
    };
    let start = Instant::now();
    let figures: Vec<Figures> = std::thread::scope(|t| {
        let threads: Vec<_> = (0..2u64)
            .map(|k| t.spawn(move || walk(0x5EED + k, total / 2 + k * (total % 2))))
            .collect();
        threads
            .into_iter()
            .map(|h| h.join().expect("the walk passed"))
            .collect()
    });
    let secs = start.elapsed().as_secs_f64();
    let ops: u64 = figures.iter().map(|f| f.ops).sum();
    assert_eq!(ops, total);
    println!("soak: {ops} operations on 2 threads in {secs:.2} s");
    for (k, f) in figures.iter().enumerate() {
        println!(
            "  thread {k}: {} ops, {} scopes (depth <= {}), {} arrays, {} raw, {} oversized, {} checks",
            f.ops, f.scopes, f.max_depth, f.arrays, f.raw, f.oversized, f.checks
        );
        println!(
            "    most live {} B (in slabs {} B), bound {} B, high water {} B; slabs held <= {}, \
             custom slabs <= {}, reserved <= {} B; at the end {} slabs",
            f.max_live,
            f.max_regular_bound,
            f.max_bound,
            f.high_water,
            f.max_slabs,
            f.max_custom_slabs,
            f.max_reserved,
            f.end_slabs
        );
        // The walk did every kind of step.
        assert!(f.arrays > 0 && f.raw > 0 && f.oversized > 0);
        assert!(f.scopes > 1 && f.max_depth > 1);
    }
}

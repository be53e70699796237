//! Model-based property test of the buffers.
//!
//! Random trees of operations (allocations, nested scopes, checkpoints,
//! restores, resets) run on a `SlabBuffer` with small slabs and on
//! `AllocBuffer`s, side by side with a plain model of what the buffer must
//! do. An operation sequence is a tree: a scope contains the sequence that
//! runs inside it, so nesting follows the closures. After every step:
//!
//! * no two live regions overlap, every region is aligned, and every live
//!   region still holds the byte pattern written into it when it was made;
//! * `used_bytes` and every field of `stats()` equal the model's: the model
//!   predicts each address exactly (for `AllocBuffer` from its base address;
//!   for `SlabBuffer` from the base of each slab, learnt the first time the
//!   slab is used and predicted whenever it is reused: only a custom slab's
//!   address comes from the system allocator unseen), and
//!   `high_water_bytes` is the most `used_bytes` observed;
//! * when a scope ends (normally or by a panic) or a checkpoint is
//!   restored, `used_bytes` is back to the value it had then;
//! * a full `AllocBuffer` refuses with `OutOfCapacity` and the model's
//!   numbers, a bad alignment with `BadAlign`, the buffer itself and an
//!   outer scope with `InnerScopeOpen` while a scope is open;
//! * a checkpoint newer than the buffer panics with the exact message.
//!
//! The model and its runner are public so that `fuzz/fuzz_targets/buffer_ops.rs`
//! runs the same operation sequences, decoded from fuzzer bytes; the
//! proptest part is `#[cfg(test)]`.

#![allow(dead_code)] // the fuzz target uses only part of this file

#[cfg(test)]
mod common;

use std::panic::{catch_unwind, panic_any, AssertUnwindSafe};
use std::ptr::NonNull;
use std::sync::{Once, OnceLock};

use bumper::{AllocError, Buffer, Checkpoint, Scope};

/// Alignment of every regular slab of a `SlabBuffer` and every custom slab
/// (the crate's private `SLAB_ALIGN`; the model checks it holds).
pub const SLAB_ALIGN: usize = 64;

/// The cursor of a `SlabBuffer` that owns no memory yet (the crate's
/// private `EMPTY_ADDR`).
const EMPTY_ADDR: usize = 1;

/// Largest size the pattern table covers; requests that succeed are never
/// larger (the runner asserts it).
pub const MAX_PATTERN_SIZE: usize = 1 << 16;

/// One operation of a sequence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Op {
    /// `size` bytes aligned to `align` from the innermost scope (at top
    /// level, from the buffer). `align` may be a bad alignment (0, 3, ...).
    Alloc { size: usize, align: usize },
    /// Straight from the buffer: served at top level, refused with
    /// `InnerScopeOpen { depth: 0, .. }` inside a scope.
    BufferAlloc { size: usize, align: usize },
    /// From the scope enclosing the innermost `DefaultScope` (refused with
    /// `InnerScopeOpen`); skipped where there is no such scope.
    OuterAlloc { size: usize, align: usize },
    /// A nested scope (`Buffer::no_escape` at top level, `Scope::no_escape`
    /// inside one) running the inner sequence.
    Scope(Vec<Op>),
    /// A scope opened through the thread's default buffer:
    /// `with_buffer(buf, || bumper::no_escape(..))`.
    DefaultScope(Vec<Op>),
    /// A scope that panics after its sequence; the panic is caught outside,
    /// and the buffer must be restored as for a normal end.
    PanicScope(Vec<Op>),
    /// At top level, a checkpoint for `Restore`. Inside a scope, a
    /// checkpoint that is stale once the scope ends (for `RestoreStale`).
    Checkpoint,
    /// Top level: restore checkpoint `i % len` of the stack; the ones after
    /// it become stale.
    Restore(usize),
    /// Top level: restore stale checkpoint `i % len`, if it is newer than the
    /// buffer's state (a panic with the exact message, nothing changed).
    RestoreStale(usize),
    /// Top level: `reset`; every checkpoint becomes stale.
    Reset,
}

/// Which buffer the model follows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// `AllocBuffer` of this capacity.
    Fixed { capacity: usize },
    /// `SlabBuffer<slab>`.
    Slab { slab: usize },
}

/// The model's state at a scope entry or a checkpoint.
#[derive(Debug, Clone, Copy)]
struct Snap {
    chunk: usize,
    start: usize,
    cur: usize,
    used_before: usize,
    customs: usize,
    gen: u64,
    seq: u64,
    used: usize,
}

/// A region handed out and live.
#[derive(Debug)]
struct Region {
    ptr: NonNull<u8>,
    size: usize,
    align: usize,
    /// Where its pattern starts in [`pattern`].
    seed: usize,
    /// Allocation number: a scope end or restore kills the ones made after.
    seq: u64,
}

/// What the model expects of an allocation request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Expect {
    /// Served at this address.
    At(usize),
    /// Served at this address, the start of a slab the buffer kept.
    ReusedSlab(usize),
    /// Served from a slab the buffer takes from the system now: the model
    /// learns its base from the result.
    NewSlab,
    /// Served from a custom slab (address unknown, alignment known).
    Custom,
    /// Refused.
    Err(AllocError),
}

/// Bytes written into regions: region `r` holds `pattern()[r.seed..][..r.size]`.
fn pattern() -> &'static [u8] {
    static TABLE: OnceLock<Vec<u8>> = OnceLock::new();
    TABLE.get_or_init(|| {
        (0..MAX_PATTERN_SIZE + 251)
            .map(|i| (i % 251) as u8 ^ 0x5A)
            .collect()
    })
}

fn align_up(addr: usize, align: usize) -> usize {
    addr + (addr.wrapping_neg() & (align - 1))
}

/// The payload of the panics `PanicScope` raises on purpose.
#[derive(Debug)]
pub struct PlannedPanic;

/// Installs (once) a panic hook that stays silent for the panics this file
/// provokes on purpose (planned ones and refused stale checkpoints) and
/// passes every other panic to the hook that was there before.
pub fn install_quiet_hook() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let payload = info.payload();
            let planned = payload.is::<PlannedPanic>()
                || payload
                    .downcast_ref::<String>()
                    .is_some_and(|m| m.starts_with(NEWER_PREFIX));
            if !planned {
                previous(info);
            }
        }));
    });
}

const NEWER_PREFIX: &str = "restore: the checkpoint is newer than the buffer's present state";

/// The model of one buffer, and the regions live in it.
#[derive(Debug)]
pub struct Model {
    kind: Kind,
    /// Current chunk: first byte, cursor, one past the end (addresses).
    start: usize,
    cur: usize,
    end: usize,
    /// Index of the current slab (0 for a fixed buffer).
    chunk: usize,
    /// Bytes in use outside the current chunk.
    used_before: usize,
    /// Sizes of the live custom slabs.
    customs: Vec<usize>,
    /// Base addresses of the regular slabs held (spare included).
    slabs: Vec<usize>,
    /// Counts slow-path events (new slab, custom slab), like the buffer's
    /// generation: a scope that saw none restores just the cursor.
    gen: u64,
    depth: usize,
    seq: u64,
    /// Highest `used_bytes` observed.
    high: usize,
    regions: Vec<Region>,
    checkpoints: Vec<(Checkpoint, Snap)>,
    stale: Vec<(Checkpoint, Snap)>,
    /// Whether to run the operations that panic on purpose (a fuzz build
    /// with `panic = "abort"` cannot).
    catch_panics: bool,
    /// Counts of what happened, for tests that want to see coverage.
    pub stats: RunStats,
}

/// What a run did (so that a test can check the generator reaches every
/// kind of event).
#[derive(Debug, Default, Clone, Copy)]
pub struct RunStats {
    pub allocs: usize,
    pub new_slabs: usize,
    pub reused_slabs: usize,
    pub customs: usize,
    pub out_of_capacity: usize,
    pub bad_align: usize,
    pub inner_scope_open: usize,
    pub slow_scope_ends: usize,
    pub restores: usize,
    pub newer_refused: usize,
    pub planned_panics: usize,
}

impl Model {
    /// The model of a fresh `AllocBuffer` whose memory starts at `base`.
    pub fn fixed(base: *const u8, capacity: usize) -> Self {
        let base = base.addr();
        Self::new(Kind::Fixed { capacity }, base, base, base + capacity)
    }

    /// The model of a fresh `SlabBuffer<slab>`.
    pub fn slab(slab: usize) -> Self {
        Self::new(Kind::Slab { slab }, EMPTY_ADDR, EMPTY_ADDR, EMPTY_ADDR)
    }

    fn new(kind: Kind, start: usize, cur: usize, end: usize) -> Self {
        Model {
            kind,
            start,
            cur,
            end,
            chunk: 0,
            used_before: 0,
            customs: Vec::new(),
            slabs: Vec::new(),
            gen: 0,
            depth: 0,
            seq: 0,
            high: 0,
            regions: Vec::new(),
            checkpoints: Vec::new(),
            stale: Vec::new(),
            catch_panics: true,
            stats: RunStats::default(),
        }
    }

    /// Skips the operations that rely on catching a panic.
    pub fn without_panics(mut self) -> Self {
        self.catch_panics = false;
        self
    }

    fn used(&self) -> usize {
        self.used_before + (self.cur - self.start)
    }

    fn snap(&self) -> Snap {
        Snap {
            chunk: self.chunk,
            start: self.start,
            cur: self.cur,
            used_before: self.used_before,
            customs: self.customs.len(),
            gen: self.gen,
            seq: self.seq,
            used: self.used(),
        }
    }

    /// What a request must give, updating the state (but for a new slab,
    /// whose base [`record`](Model::record) learns).
    fn predict(&mut self, size: usize, align: usize) -> Expect {
        if !align.is_power_of_two() {
            return Expect::Err(AllocError::BadAlign(align));
        }
        if size == 0 {
            // The crate's one rule for zero-size requests: a dangling
            // pointer at the alignment itself; the buffer is unchanged.
            return Expect::At(align);
        }
        // The fast path: the current chunk.
        let pad = self.cur.wrapping_neg() & (align - 1);
        let remaining = self.end - self.cur;
        if pad <= remaining && size <= remaining - pad {
            let p = self.cur + pad;
            self.cur = p + size;
            return Expect::At(p);
        }
        match self.kind {
            Kind::Fixed { .. } => Expect::Err(AllocError::OutOfCapacity {
                requested: size,
                available: remaining.saturating_sub(pad),
            }),
            Kind::Slab { slab } => {
                self.gen += 1;
                let worst_pad = align.saturating_sub(SLAB_ALIGN);
                if size >= slab || size.saturating_add(worst_pad) > slab {
                    self.customs.push(size);
                    self.used_before += size;
                    return Expect::Custom;
                }
                // Without a current chunk (none yet, or a scope opened
                // before the first slab has ended) the next slab is slab 0,
                // which may be held already.
                let next = if self.start == EMPTY_ADDR {
                    0
                } else {
                    self.chunk + 1
                };
                if next > 0 {
                    self.used_before = self.used();
                }
                self.chunk = next;
                match self.slabs.get(next) {
                    Some(&base) => {
                        let p = align_up(base, align);
                        (self.start, self.cur, self.end) = (base, p + size, base + slab);
                        Expect::ReusedSlab(p)
                    }
                    None => Expect::NewSlab,
                }
            }
        }
    }

    /// Checks the result of a request against the model, and keeps the
    /// region (with its pattern written) if it was served.
    fn record(
        &mut self,
        buf: &dyn Buffer,
        size: usize,
        align: usize,
        result: Result<NonNull<u8>, AllocError>,
    ) {
        let expect = self.predict(size, align);
        let p = match (expect, result) {
            (Expect::Err(e), r) => {
                assert_eq!(r, Err(e), "request of {size} bytes aligned to {align}");
                match e {
                    AllocError::OutOfCapacity { .. } => self.stats.out_of_capacity += 1,
                    AllocError::BadAlign(_) => self.stats.bad_align += 1,
                    _ => {}
                }
                return;
            }
            (_, Err(e)) => panic!("request of {size} bytes aligned to {align}: unexpected {e:?}"),
            (Expect::At(a), Ok(p)) => {
                assert_eq!(
                    p.as_ptr().addr(),
                    a,
                    "address of {size} bytes aligned to {align}"
                );
                p
            }
            (Expect::ReusedSlab(a), Ok(p)) => {
                assert_eq!(
                    p.as_ptr().addr(),
                    a,
                    "address of {size} bytes aligned to {align} in a kept slab"
                );
                self.stats.reused_slabs += 1;
                p
            }
            (Expect::Custom, Ok(p)) => {
                assert_eq!(p.as_ptr().addr() % align.max(SLAB_ALIGN), 0);
                self.stats.customs += 1;
                p
            }
            (Expect::NewSlab, Ok(p)) => {
                let Kind::Slab { slab } = self.kind else {
                    unreachable!("only a SlabBuffer takes slabs")
                };
                let offset = buf.stats().slab_offset;
                let base = p.as_ptr().addr() + size - offset;
                assert_eq!(base % SLAB_ALIGN, 0, "slab base {base:#x}");
                assert_eq!(
                    p.as_ptr().addr(),
                    align_up(base, align),
                    "first request of a slab"
                );
                assert_eq!(self.slabs.len(), self.chunk, "slabs are taken in order");
                self.slabs.push(base);
                (self.start, self.cur, self.end) = (base, base + offset, base + slab);
                self.stats.new_slabs += 1;
                p
            }
        };
        assert_eq!(p.as_ptr().addr() % align, 0, "alignment {align}");
        assert!(size <= MAX_PATTERN_SIZE, "the pattern table is too short");
        self.seq += 1;
        let seed = (self.seq % 251) as usize;
        if size > 0 {
            // SAFETY: the buffer handed out `size` bytes at `p`, valid until
            // the scope ends or the buffer is restored, and the overlap
            // check proves no other live region uses them.
            unsafe {
                p.as_ptr()
                    .copy_from_nonoverlapping(pattern()[seed..].as_ptr(), size)
            };
        }
        self.regions.push(Region {
            ptr: p,
            size,
            align,
            seed,
            seq: self.seq,
        });
        self.stats.allocs += 1;
    }

    /// Frees customs after `customs` and slabs after `chunk + 1`, and makes
    /// `chunk` current with the cursor at `cursor` (a saved address, or an
    /// offset), as the buffer's `release_to`.
    fn release_to(&mut self, chunk: usize, customs: usize, used_before: usize, cursor: Cursor) {
        let Kind::Slab { slab } = self.kind else {
            unreachable!("only a SlabBuffer has slow-path releases")
        };
        self.customs.truncate(customs);
        self.slabs.truncate(chunk + 2);
        self.chunk = chunk;
        self.used_before = used_before;
        match (self.slabs.get(chunk), cursor) {
            (Some(&base), Cursor::Addr(a)) if a != EMPTY_ADDR => {
                (self.start, self.cur, self.end) = (base, a, base + slab)
            }
            (Some(&base), Cursor::Offset(o)) => {
                (self.start, self.cur, self.end) = (base, base + o, base + slab)
            }
            // A scope's mark from before the first slab, with no scope open
            // any more: slab 0 becomes current.
            (Some(&base), Cursor::Addr(_)) if self.depth == 0 => {
                (self.start, self.cur, self.end) = (base, base, base + slab)
            }
            // The same with outer scopes open: no current chunk again, the
            // state their marks saw (slab 0 stays held, as the spare).
            _ => (self.start, self.cur, self.end) = (EMPTY_ADDR, EMPTY_ADDR, EMPTY_ADDR),
        }
    }

    fn open(&mut self) -> Snap {
        self.depth += 1;
        self.snap()
    }

    /// A scope opened at `snap` ends: the buffer must be back where it was.
    fn close(&mut self, buf: &dyn Buffer, snap: Snap) {
        self.depth -= 1;
        if self.gen == snap.gen {
            self.cur = snap.cur;
        } else {
            self.release_to(
                snap.chunk,
                snap.customs,
                snap.used_before,
                Cursor::Addr(snap.cur),
            );
            self.gen = snap.gen;
            self.stats.slow_scope_ends += 1;
        }
        self.regions.retain(|r| r.seq <= snap.seq);
        assert_eq!(self.used(), snap.used);
        assert_eq!(buf.used_bytes(), snap.used, "a scope ended: memory is back");
    }

    fn restore(&mut self, snap: Snap) {
        match self.kind {
            Kind::Fixed { .. } => self.cur = self.start + (snap.cur - snap.start),
            Kind::Slab { .. } => self.release_to(
                snap.chunk,
                snap.customs,
                snap.used_before,
                Cursor::Offset(snap.cur - snap.start),
            ),
        }
        self.regions.retain(|r| r.seq <= snap.seq);
        self.stats.restores += 1;
    }

    fn reset(&mut self) {
        match self.kind {
            Kind::Fixed { .. } => self.cur = self.start,
            Kind::Slab { .. } => self.release_to(0, 0, 0, Cursor::Offset(0)),
        }
        self.regions.clear();
        let cps = std::mem::take(&mut self.checkpoints);
        self.stale.extend(cps);
    }

    /// The buffer's `validate` message if restoring `snap` must panic.
    fn newer_message(&self, snap: &Snap) -> Option<String> {
        let (chunk, offset, customs) = (self.chunk, self.cur - self.start, self.customs.len());
        let cp_offset = snap.cur - snap.start;
        let newer = snap.customs > customs
            || snap.chunk > chunk
            || (snap.chunk == chunk && cp_offset > offset);
        newer.then(|| {
            format!(
                "{NEWER_PREFIX} (checkpoint at slab {}, offset {cp_offset}, {} custom slabs; \
                 buffer at slab {chunk}, offset {offset}, {customs} custom slabs)",
                snap.chunk, snap.customs
            )
        })
    }

    /// The invariants, checked after every step.
    pub fn check(&mut self, buf: &dyn Buffer) {
        let used = self.used();
        self.high = self.high.max(used);
        let st = buf.stats();
        assert_eq!(buf.used_bytes(), used, "used_bytes");
        assert_eq!(st.used_bytes, used, "stats().used_bytes");
        assert_eq!(st.open_scopes, self.depth, "open scopes");
        assert_eq!(st.slab_offset, self.cur - self.start, "slab offset");
        match self.kind {
            Kind::Fixed { capacity } => {
                assert_eq!(
                    (st.slab_index, st.slabs, st.slab_size, st.custom_slabs),
                    (0, 1, capacity, 0)
                );
                assert_eq!(st.reserved_bytes, capacity);
            }
            Kind::Slab { slab } => {
                assert_eq!(st.slab_index, self.chunk, "slab index");
                assert_eq!(st.slabs, self.slabs.len(), "slabs held");
                assert_eq!(st.slab_size, slab);
                assert_eq!(st.custom_slabs, self.customs.len(), "custom slabs");
                assert_eq!(
                    st.reserved_bytes,
                    self.slabs.len() * slab + self.customs.iter().sum::<usize>(),
                    "reserved bytes"
                );
                // At most one spare after the current slab.
                assert!(self.slabs.len() <= self.chunk + 2);
            }
        }
        // "The most used_bytes has ever been": every level is observed here,
        // since only a request raises it and each request is a step.
        assert_eq!(st.high_water_bytes, self.high, "high water");
        self.check_regions();
    }

    fn check_regions(&self) {
        let mut live: Vec<&Region> = self.regions.iter().filter(|r| r.size > 0).collect();
        live.sort_by_key(|r| r.ptr.as_ptr().addr());
        for w in live.windows(2) {
            let (a, b) = (w[0], w[1]);
            assert!(
                a.ptr.as_ptr().addr() + a.size <= b.ptr.as_ptr().addr(),
                "live regions overlap: {a:?} and {b:?}"
            );
        }
        if let Kind::Fixed { capacity } = self.kind {
            for r in &live {
                let addr = r.ptr.as_ptr().addr();
                assert!(self.start <= addr && addr + r.size <= self.start + capacity);
            }
        }
        for r in &self.regions {
            assert_eq!(r.ptr.as_ptr().addr() % r.align, 0, "{r:?} misaligned");
            if r.size > 0 {
                // SAFETY: the region is live (the model drops regions when
                // their scope ends or a restore frees them) and was written
                // in full when it was handed out.
                let bytes = unsafe { std::slice::from_raw_parts(r.ptr.as_ptr(), r.size) };
                assert!(
                    bytes == &pattern()[r.seed..][..r.size],
                    "{r:?} lost its pattern"
                );
            }
        }
    }
}

#[derive(Debug, Clone, Copy)]
enum Cursor {
    Addr(usize),
    Offset(usize),
}

/// Runs `ops` at top level on `buf`, checking `m` after every step, then
/// checks that a reset gives everything back.
pub fn run<B: Buffer>(buf: &mut B, m: &mut Model, ops: &[Op]) {
    install_quiet_hook();
    m.check(buf);
    run_top(buf, m, ops);
    buf.reset();
    m.reset();
    m.check(buf);
    assert_eq!(buf.used_bytes(), 0);
}

/// Runs `ops` at top level on `buf`, checking `m` after every step.
pub fn run_top<B: Buffer>(buf: &mut B, m: &mut Model, ops: &[Op]) {
    for op in ops {
        match *op {
            Op::Alloc { size, align } | Op::BufferAlloc { size, align } => {
                let r = buf.try_alloc_ptr(size, align);
                m.record(buf, size, align, r);
            }
            Op::OuterAlloc { .. } => {}
            Op::Scope(ref sub) => {
                let snap = m.open();
                let b: &B = buf;
                b.no_escape(|s| run_in_scope(b, s, None, m, sub));
                m.close(buf, snap);
            }
            Op::DefaultScope(ref sub) => {
                let snap = m.open();
                let b: &B = buf;
                bumper::with_buffer(b, || {
                    bumper::no_escape(|s| run_in_scope(b, s, None, m, sub))
                });
                m.close(buf, snap);
            }
            Op::PanicScope(ref sub) => {
                if !m.catch_panics {
                    continue;
                }
                let snap = m.open();
                let b: &B = buf;
                let r = catch_unwind(AssertUnwindSafe(|| {
                    b.no_escape(|s| {
                        run_in_scope(b, s, None, m, sub);
                        panic_any(PlannedPanic)
                    })
                }));
                expect_planned(r, m);
                m.close(buf, snap);
            }
            Op::Checkpoint => {
                let cp = buf.checkpoint();
                m.checkpoints.push((cp, m.snap()));
            }
            Op::Restore(i) => {
                if m.checkpoints.is_empty() {
                    continue;
                }
                let i = i % m.checkpoints.len();
                let (cp, snap) = m.checkpoints[i];
                let later = m.checkpoints.split_off(i + 1);
                m.stale.extend(later);
                buf.restore(cp);
                m.restore(snap);
                assert_eq!(buf.used_bytes(), snap.used, "restored: memory is back");
            }
            Op::RestoreStale(i) => {
                if m.stale.is_empty() || !m.catch_panics {
                    continue;
                }
                let (cp, snap) = m.stale[i % m.stale.len()];
                // A stale checkpoint that is not newer than the present state
                // is accepted by `restore` but is no state the buffer is
                // descended from, so the model cannot follow it: skipped.
                if let Some(expected) = m.newer_message(&snap) {
                    let r = catch_unwind(AssertUnwindSafe(|| buf.restore(cp)));
                    let msg = match r {
                        Ok(()) => panic!("restoring a newer checkpoint did not panic"),
                        Err(e) => match e.downcast::<String>() {
                            Ok(s) => *s,
                            Err(e) => std::panic::resume_unwind(e),
                        },
                    };
                    assert_eq!(msg, expected);
                    m.stats.newer_refused += 1;
                }
            }
            Op::Reset => {
                buf.reset();
                m.reset();
            }
        }
        m.check(buf);
    }
}

fn run_in_scope<B: Buffer>(
    buf: &B,
    s: &mut Scope<'_>,
    outer: Option<&Scope<'_>>,
    m: &mut Model,
    ops: &[Op],
) {
    assert_eq!(s.depth(), m.depth);
    for op in ops {
        match *op {
            Op::Alloc { size, align } => {
                let r = s.try_alloc_ptr(size, align);
                m.record(buf, size, align, r);
            }
            Op::BufferAlloc { size, align } => {
                assert_eq!(
                    buf.try_alloc_ptr(size, align),
                    Err(AllocError::InnerScopeOpen {
                        depth: 0,
                        innermost: m.depth
                    })
                );
                m.stats.inner_scope_open += 1;
            }
            Op::OuterAlloc { size, align } => {
                if let Some(o) = outer {
                    assert_eq!(
                        o.try_alloc_ptr(size, align),
                        Err(AllocError::InnerScopeOpen {
                            depth: o.depth(),
                            innermost: m.depth
                        })
                    );
                    m.stats.inner_scope_open += 1;
                }
            }
            Op::Scope(ref sub) => {
                let snap = m.open();
                s.no_escape(|t| run_in_scope(buf, t, outer, m, sub));
                m.close(buf, snap);
            }
            Op::DefaultScope(ref sub) => {
                let snap = m.open();
                let o: &Scope<'_> = s;
                bumper::with_buffer(buf, || {
                    bumper::no_escape(|t| run_in_scope(buf, t, Some(o), m, sub))
                });
                m.close(buf, snap);
            }
            Op::PanicScope(ref sub) => {
                if !m.catch_panics {
                    continue;
                }
                let snap = m.open();
                let r = catch_unwind(AssertUnwindSafe(|| {
                    s.no_escape(|t| {
                        run_in_scope(buf, t, outer, m, sub);
                        panic_any(PlannedPanic)
                    })
                }));
                expect_planned(r, m);
                m.close(buf, snap);
            }
            Op::Checkpoint => {
                // Taken inside a scope: stale once the scope ends.
                let cp = buf.checkpoint();
                m.stale.push((cp, m.snap()));
            }
            // These need `&mut buf`, which a scope's borrow rules out at
            // compile time (tests/compile_fail/restore_while_live.rs).
            Op::Restore(_) | Op::RestoreStale(_) | Op::Reset => {}
        }
        m.check(buf);
    }
}

/// A `PanicScope` must end in its planned panic; any other panic is a test
/// failure and goes on unwinding.
fn expect_planned(r: std::thread::Result<()>, m: &mut Model) {
    match r {
        Ok(()) => panic!("the planned panic did not happen"),
        Err(e) if e.is::<PlannedPanic>() => m.stats.planned_panics += 1,
        Err(e) => std::panic::resume_unwind(e),
    }
}

/// Decodes operations from bytes, 4 per operation: a kind, a size (two
/// bytes) and an alignment. Shared by the proptest below (which generates
/// the bytes) and the fuzz target (which gets them from the fuzzer), and
/// cheap, unlike a recursive proptest strategy in a debug build.
///
/// * sizes are scaled to `unit` (a slab size, or the capacity): 40% up to
///   16 bytes, 30% up to `unit / 4`, 20% up to `unit`, 10% up to `3 * unit`;
/// * alignments are 1 to 4096, and one in 16 a bad one (0, 3, 6, 48, 1000,
///   `usize::MAX`);
/// * "open" kinds start a scope whose sequence runs until a "close" (or
///   the end); beyond `max_depth` open scopes they are allocations.
pub fn decode(bytes: &[u8], unit: usize, max_depth: usize) -> Vec<Op> {
    let mut stack: Vec<(u8, Vec<Op>)> = vec![(0, Vec::new())];
    for w in bytes.chunks_exact(4) {
        let raw = u16::from_le_bytes([w[1], w[2]]) as usize;
        let (class, v) = (raw % 10, raw / 10);
        let size = match class {
            0..=3 => v % 17,
            4..=6 => v % (unit / 4 + 1),
            7..=8 => v % (unit + 1),
            _ => v % (3 * unit + 1),
        };
        let align = match w[3] % 16 {
            k @ 0..=12 => 1usize << k,
            _ => [0, 3, 6, 48, 1000, usize::MAX][(w[3] / 16 % 6) as usize],
        };
        let depth = stack.len() - 1;
        let op = match w[0] % 24 {
            0..=9 => Op::Alloc { size, align },
            10 => Op::BufferAlloc { size, align },
            11 => Op::OuterAlloc { size, align },
            k @ 12..=15 if depth < max_depth => {
                stack.push((k, Vec::new()));
                continue;
            }
            12..=15 => Op::Alloc { size, align },
            16 | 17 => {
                if depth > 0 {
                    close(&mut stack);
                }
                continue;
            }
            18 | 19 => Op::Checkpoint,
            20 | 21 => Op::Restore(raw),
            22 => Op::RestoreStale(raw),
            _ => Op::Reset,
        };
        stack.last_mut().expect("the top level").1.push(op);
    }
    while stack.len() > 1 {
        close(&mut stack);
    }
    stack.pop().expect("the top level").1
}

/// Ends the innermost open scope of [`decode`].
fn close(stack: &mut Vec<(u8, Vec<Op>)>) {
    let (kind, ops) = stack.pop().expect("an open scope");
    let scope = match kind {
        12 | 13 => Op::Scope(ops),
        14 => Op::DefaultScope(ops),
        _ => Op::PanicScope(ops),
    };
    stack.last_mut().expect("the top level").1.push(scope);
}

#[cfg(test)]
mod props {
    use super::*;
    use bumper::{AllocBuffer, SlabBuffer};
    use proptest::prelude::*;
    use proptest::test_runner::{RngAlgorithm, TestRunner};
    use std::mem::MaybeUninit;

    /// Cases per test: 10,000 for each of the five.
    const CASES: u32 = if cfg!(miri) { 6 } else { 10_000 };

    fn runner() -> TestRunner {
        TestRunner::new(ProptestConfig {
            cases: CASES,
            // Under Miri: no file system for regression files, and the
            // cheaper generator.
            failure_persistence: if cfg!(miri) {
                None
            } else {
                ProptestConfig::default().failure_persistence
            },
            rng_algorithm: if cfg!(miri) {
                RngAlgorithm::XorShift
            } else {
                RngAlgorithm::default()
            },
            source_file: Some(file!()),
            ..ProptestConfig::default()
        })
    }

    /// Up to 96 operations, scopes nested up to `max_depth`.
    fn ops(unit: usize, max_depth: usize) -> impl Strategy<Value = Vec<Op>> {
        prop::collection::vec(any::<[u8; 4]>(), 0..96)
            .prop_map(move |words| decode(words.as_flattened(), unit, max_depth))
    }

    /// Runs the cases of one test and returns what they did in all.
    fn run_cases(unit: usize, max_depth: usize, one: impl FnMut(&[Op]) -> RunStats) -> RunStats {
        let one = std::cell::RefCell::new(one);
        let total = std::cell::RefCell::new(RunStats::default());
        runner()
            .run(&ops(unit, max_depth), |ops| {
                let st = (one.borrow_mut())(&ops);
                total.borrow_mut().add(&st);
                Ok(())
            })
            .unwrap();
        total.into_inner()
    }

    #[test]
    fn slab_buffer_256() {
        let total = run_cases(256, 6, |ops| {
            let mut buf = SlabBuffer::<256>::new();
            let mut m = Model::slab(256);
            run_top(
                &mut buf,
                &mut m,
                &[Op::Alloc { size: 1, align: 1 }, Op::Reset],
            );
            run(&mut buf, &mut m, ops);
            m.stats
        });
        total.assert_covers_slabs();
    }

    #[test]
    fn slab_buffer_1024() {
        let total = run_cases(1024, 6, |ops| {
            let mut buf = SlabBuffer::<1024>::new();
            let mut m = Model::slab(1024);
            run(&mut buf, &mut m, ops);
            m.stats
        });
        total.assert_covers_slabs();
    }

    /// A buffer with its first slab taken before the random operations
    /// (the other two start without a slab, a state scopes can return to).
    #[test]
    fn primed_slab_buffer_256() {
        let total = run_cases(256, 6, |ops| {
            let mut buf = SlabBuffer::<256>::new();
            let mut m = Model::slab(256);
            run_top(
                &mut buf,
                &mut m,
                &[Op::Alloc { size: 1, align: 1 }, Op::Reset],
            );
            run(&mut buf, &mut m, ops);
            m.stats
        });
        total.assert_covers_slabs();
    }

    #[test]
    fn alloc_buffer_4096() {
        let total = run_cases(4096, 6, |ops| {
            let mut buf = AllocBuffer::with_capacity(4096);
            let mut m = Model::fixed(buf.base_ptr(), 4096);
            run(&mut buf, &mut m, ops);
            m.stats
        });
        total.assert_covers_fixed();
    }

    /// Lent memory that starts at an odd address: the padding differs from
    /// the 64-aligned heap buffer's.
    #[test]
    fn alloc_buffer_on_an_odd_slice() {
        let mut skew = 0;
        let total = run_cases(1000, 6, |ops| {
            skew = skew % 63 + 1;
            let mut mem = vec![MaybeUninit::<u8>::uninit(); 1000 + skew];
            let mut buf = AllocBuffer::from_slice(&mut mem[skew..]);
            let mut m = Model::fixed(buf.base_ptr(), 1000);
            run(&mut buf, &mut m, ops);
            m.stats
        });
        total.assert_covers_fixed();
    }

    impl RunStats {
        fn add(&mut self, o: &RunStats) {
            self.allocs += o.allocs;
            self.new_slabs += o.new_slabs;
            self.reused_slabs += o.reused_slabs;
            self.customs += o.customs;
            self.out_of_capacity += o.out_of_capacity;
            self.bad_align += o.bad_align;
            self.inner_scope_open += o.inner_scope_open;
            self.slow_scope_ends += o.slow_scope_ends;
            self.restores += o.restores;
            self.newer_refused += o.newer_refused;
            self.planned_panics += o.planned_panics;
        }

        /// The generator reached every kind of event (with Miri's few cases,
        /// only the common ones are required).
        fn assert_covers_common(&self) {
            assert!(self.allocs > 0 && self.bad_align > 0, "{self:?}");
            if !cfg!(miri) {
                assert!(self.inner_scope_open > 0, "{self:?}");
                assert!(self.restores > 0, "{self:?}");
                assert!(self.newer_refused > 0, "{self:?}");
                assert!(self.planned_panics > 0, "{self:?}");
            }
        }

        fn assert_covers_slabs(&self) {
            self.assert_covers_common();
            assert!(self.new_slabs > 0, "{self:?}");
            if !cfg!(miri) {
                assert!(self.customs > 0, "{self:?}");
                assert!(self.reused_slabs > 0, "{self:?}");
                assert!(self.slow_scope_ends > 0, "{self:?}");
            }
        }

        fn assert_covers_fixed(&self) {
            self.assert_covers_common();
            assert!(self.out_of_capacity > 0 || cfg!(miri), "{self:?}");
        }
    }

    /// Regression: `high_water_bytes` counted a closed scope's peak on top
    /// of a later custom slab (found by this model).
    #[test]
    fn high_water_after_a_scope_and_a_custom_slab() {
        let buf = SlabBuffer::<256>::new();
        let _a = buf.alloc_ptr(1, 1);
        buf.no_escape(|s| {
            let _ = s.alloc_ptr(100, 1); // up to 101 bytes, then back to 1
        });
        let _c = buf.alloc_ptr(1000, 1); // a custom slab: 1001 bytes in use
        assert_eq!(buf.used_bytes(), 1001);
        // The most ever used is 1001 (the bug made it 1101).
        assert_eq!(buf.stats().high_water_bytes, 1001);
    }
}

//! [`SlabBuffer`]: a growing buffer made of fixed-size slabs.

use core::cell::{Cell, RefCell};
use core::ptr::NonNull;
use std::alloc::{self, Layout};

use super::bump::{dangling, Bump, ScopeMark};
use super::{sealed, AllocError, Buffer, Checkpoint};

/// Alignment of every regular slab: a cache line, enough for SIMD types.
const SLAB_ALIGN: usize = 64;

/// A growing bump buffer that takes memory from the system in slabs of
/// `SLAB` bytes (1 MiB by default).
///
/// * A request that does not fit in the current slab opens the next slab;
///   the rest of the old one stays unused until a restore goes back to it.
/// * A request that would not fit even in an empty slab (`SLAB` bytes or
///   more) gets its own "custom" slab from the system allocator; the current
///   slab stays in use, so small requests continue where they were.
/// * Restoring a checkpoint (or leaving a scope) frees the custom slabs made
///   since and the regular slabs opened since, **except one spare**, kept
///   so that a loop of scopes at a slab edge does not call the system
///   allocator on every iteration (a pitfall of Bumper.jl).
/// * Creating one allocates nothing; the first slab comes with the first
///   request. Dropping it frees everything.
///
/// ```
/// use bumper::{Buffer, SlabBuffer};
///
/// let buf = SlabBuffer::<16384>::new();
/// let n = buf.no_escape(|s| {
///     let v = s.alloc_with([1000], |[i]| i as u64);
///     v.iter().sum::<u64>()
/// });
/// assert_eq!(n, 499_500);
/// assert_eq!(buf.used_bytes(), 0);
/// ```
pub struct SlabBuffer<const SLAB: usize = 1_048_576> {
    bump: Bump,
    /// Regular slabs: `[0, chunk]` in use, at most one spare after them.
    slabs: RefCell<Vec<NonNull<u8>>>,
    /// Custom slabs, oldest first, with the layout they were allocated with.
    customs: RefCell<Vec<(NonNull<u8>, Layout)>>,
    /// For each custom slab, the stamp of its allocation; for each regular
    /// slab in use, the stamp of the latest time it became current.
    custom_stamps: RefCell<Vec<u64>>,
    slab_stamps: RefCell<Vec<u64>>,
    /// Stamps issued so far: each slow-path event gets the next one.
    stamps: Cell<u64>,
    /// The state before each slow-path event (new slab, custom slab), in
    /// order: what a scope that saw the event returns to when it ends.
    events: RefCell<Vec<Event>>,
}

/// The state of a [`SlabBuffer`] just before a slow-path event. While a
/// scope is open, only its cursor and generation are saved; if an event
/// happened inside it, the first such event holds the rest.
#[derive(Clone, Copy)]
struct Event {
    /// Generation before the event (the one a scope opened before it saw).
    gen: usize,
    chunk: usize,
    custom: usize,
    used_before: usize,
}

// SAFETY: a SlabBuffer owns its slabs outright (raw pointers to memory from
// the global allocator, which any thread may free); moving it to another
// thread moves that ownership. It is not `Sync`: the `Cell`s are not.
unsafe impl<const SLAB: usize> Send for SlabBuffer<SLAB> {}

// A panic never leaves a buffer half-updated: scopes restore it while
// unwinding, and the slow paths finish their bookkeeping before returning.
impl<const SLAB: usize> core::panic::UnwindSafe for SlabBuffer<SLAB> {}
impl<const SLAB: usize> core::panic::RefUnwindSafe for SlabBuffer<SLAB> {}

impl<const SLAB: usize> SlabBuffer<SLAB> {
    const LAYOUT: Layout = {
        assert!(SLAB > 0, "SlabBuffer: SLAB must be at least 1 byte");
        match Layout::from_size_align(SLAB, SLAB_ALIGN) {
            Ok(layout) => layout,
            Err(_) => panic!("SlabBuffer: SLAB is too large for a memory block"),
        }
    };

    /// An empty buffer; no memory is taken until the first request.
    ///
    /// For the default 1 MiB slabs write `<SlabBuffer>::new()` or name the
    /// type (`let b: SlabBuffer = SlabBuffer::new();`): a bare
    /// `SlabBuffer::new()` does not compile, as Rust does not apply a const
    /// parameter's default in an expression.
    ///
    /// ```
    /// use bumper::{Buffer, SlabBuffer};
    ///
    /// let big: SlabBuffer = SlabBuffer::new(); // 1 MiB slabs
    /// let also_big = <SlabBuffer>::new();
    /// let small = SlabBuffer::<4096>::new();
    /// assert_eq!(also_big.stats().slab_size, 1 << 20);
    /// assert_eq!(big.stats().reserved_bytes + small.stats().reserved_bytes, 0);
    /// ```
    ///
    /// ```compile_fail
    /// let b = bumper::SlabBuffer::new(); // error[E0284]: cannot infer the value of `SLAB`
    /// ```
    pub const fn new() -> Self {
        let _ = Self::LAYOUT; // evaluate the size check at compile time
        SlabBuffer {
            bump: Bump::empty(),
            slabs: RefCell::new(Vec::new()),
            customs: RefCell::new(Vec::new()),
            custom_stamps: RefCell::new(Vec::new()),
            slab_stamps: RefCell::new(Vec::new()),
            stamps: Cell::new(0),
            events: RefCell::new(Vec::new()),
        }
    }

    /// The slab size in bytes, `SLAB`.
    ///
    /// ```
    /// assert_eq!(bumper::SlabBuffer::<4096>::new().slab_size(), 4096);
    /// ```
    pub const fn slab_size(&self) -> usize {
        SLAB
    }

    /// Whether a request of `size` bytes aligned to `align` needs a custom
    /// slab: it would not fit in an empty regular slab.
    fn needs_custom_slab(size: usize, align: usize) -> bool {
        let worst_pad = align.saturating_sub(SLAB_ALIGN);
        size >= SLAB || size.saturating_add(worst_pad) > SLAB
    }

    /// Logs the present state and moves to a new generation: called once the
    /// memory for a slow-path event is in hand, just before the state changes.
    fn log_event(&self) {
        let b = &self.bump;
        let gen = b.next_gen();
        self.events.borrow_mut().push(Event {
            gen,
            chunk: b.chunk.get(),
            custom: b.custom.get(),
            used_before: b.used_before.get(),
        });
    }

    #[cold]
    fn alloc_custom(&self, size: usize, align: usize) -> Result<NonNull<u8>, AllocError> {
        let layout = Layout::from_size_align(size, align.max(SLAB_ALIGN))
            .map_err(|_| AllocError::SizeOverflow)?;
        // SAFETY: `size > 0` (zero-byte requests never reach here: they
        // always fit in a slab), so the layout is not zero-sized.
        let p = NonNull::new(unsafe { alloc::alloc(layout) }).ok_or(AllocError::OutOfMemory {
            size: layout.size(),
            align: layout.align(),
        })?;
        self.log_event(); // folds the chunk's peak into the high-water mark
        self.bump.reset_peak();
        self.customs.borrow_mut().push((p, layout));
        let mut stamps = self.custom_stamps.borrow_mut();
        stamps.truncate(self.bump.custom.get());
        stamps.push(self.new_stamp());
        self.bump.custom.set(self.bump.custom.get() + 1);
        self.bump
            .used_before
            .set(self.bump.used_before.get() + size);
        Ok(p)
    }

    #[cold]
    fn next_slab(&self) -> Result<(), AllocError> {
        let mut slabs = self.slabs.borrow_mut();
        // Without a current chunk (none yet, or a scope opened before the
        // first slab has ended) the next slab is the first one, which may
        // already be held.
        let next = if self.bump.has_chunk() {
            self.bump.chunk.get() + 1
        } else {
            0
        };
        if next == slabs.len() {
            // SAFETY: LAYOUT has a non-zero size (checked at compile time).
            let p = NonNull::new(unsafe { alloc::alloc(Self::LAYOUT) }).ok_or(
                AllocError::OutOfMemory {
                    size: SLAB,
                    align: SLAB_ALIGN,
                },
            )?;
            slabs.push(p);
        }
        self.log_event();
        if next > 0 {
            // The rest of the slab we leave stays unused until a restore.
            self.bump.used_before.set(self.bump.used_bytes());
        }
        self.bump.chunk.set(next);
        self.bump.set_chunk(slabs[next].as_ptr(), SLAB, 0);
        // Slab 0 starts from no earlier slab, so every entry into it rests
        // on the same bookkeeping (only custom slabs count before it).
        let stamp = if next == 0 { 0 } else { self.new_stamp() };
        let mut stamps = self.slab_stamps.borrow_mut();
        stamps.truncate(next);
        stamps.push(stamp);
        Ok(())
    }

    /// Frees custom slabs after the first `custom` and regular slabs after
    /// `chunk + 1` (one spare is kept), and makes `chunk` current with the
    /// cursor at `cursor` (an offset, or a pointer saved from that chunk).
    ///
    /// # Safety
    /// `(chunk, custom, used_before, cursor)` is a state the buffer has been
    /// in, not newer than now, and nothing allocated after it is in use.
    unsafe fn release_to(&self, chunk: usize, custom: usize, used_before: usize, cursor: Cursor) {
        let b = &self.bump;
        b.note_high_water();
        // SAFETY: the caller guarantees nothing allocated after the state,
        // in custom slabs after the first `custom` or in slabs after
        // `chunk`, is in use; slab `chunk + 1` is kept as the spare.
        unsafe { self.free_after(custom, chunk + 2) };
        let slabs = self.slabs.borrow();
        b.custom.set(custom);
        b.chunk.set(chunk);
        b.used_before.set(used_before);
        match (slabs.get(chunk), cursor) {
            (Some(base), Cursor::Ptr(p)) if Bump::points_into_memory(p) => {
                b.set_chunk_at(base.as_ptr(), SLAB, p)
            }
            (Some(base), Cursor::Offset(off)) => b.set_chunk(base.as_ptr(), SLAB, off),
            // A scope's mark from before the first slab, and no scope is
            // open any more (the ending scope's guard has counted itself
            // out): no mark can see the difference, so keep slab 0 current
            // and the next scope starts on the fast path.
            (Some(base), Cursor::Ptr(_)) if b.depth.get() == 0 => {
                b.set_chunk(base.as_ptr(), SLAB, 0)
            }
            // The same with outer scopes still open: go back to having no
            // chunk, exactly the state their marks saw (slab 0 stays held
            // as the spare). Making slab 0 current here would let an outer
            // scope's fast-path restore put the cursor back to the
            // placeholder address while `end` is the slab's: the next
            // request would be served at address 8.
            (Some(_), Cursor::Ptr(_)) | (None, _) => b.clear_chunk(),
        }
    }

    /// A new stamp, for a slow-path event.
    fn new_stamp(&self) -> u64 {
        let stamp = self.stamps.get() + 1;
        self.stamps.set(stamp);
        stamp
    }
}

impl<const SLAB: usize> SlabBuffer<SLAB> {
    /// Returns to the system the custom slabs after the first `customs` and
    /// the regular slabs after the first `slabs`.
    ///
    /// # Safety
    /// Nothing allocated in those slabs is in use, and none of them is the
    /// current chunk afterwards (the caller moves the cursor).
    unsafe fn free_after(&self, customs: usize, slabs: usize) {
        for (p, layout) in self.customs.borrow_mut().drain(customs..) {
            // SAFETY: allocated in `alloc_custom` with this layout and
            // global allocator; unused (the caller's guarantee).
            unsafe { alloc::dealloc(p.as_ptr(), layout) };
        }
        let mut held = self.slabs.borrow_mut();
        if held.len() > slabs {
            for p in held.drain(slabs..) {
                // SAFETY: allocated in `next_slab` with LAYOUT and global
                // allocator; unused (the caller's guarantee).
                unsafe { alloc::dealloc(p.as_ptr(), Self::LAYOUT) };
            }
        }
    }
}

/// Where the cursor goes in [`SlabBuffer::release_to`].
#[derive(Clone, Copy)]
enum Cursor {
    /// A byte offset in the chunk (from a public [`Checkpoint`]).
    Offset(usize),
    /// A pointer saved from the chunk (from a scope's mark).
    Ptr(*mut u8),
}

impl<const SLAB: usize> Default for SlabBuffer<SLAB> {
    /// Same as [`SlabBuffer::new`].
    ///
    /// ```
    /// let buf: bumper::SlabBuffer = Default::default();
    /// # let _ = buf;
    /// ```
    fn default() -> Self {
        Self::new()
    }
}

impl<const SLAB: usize> sealed::Sealed for SlabBuffer<SLAB> {
    #[inline(always)]
    fn bump(&self) -> &Bump {
        &self.bump
    }

    #[inline(always)]
    fn as_dyn(&self) -> &dyn Buffer {
        self
    }

    /// The newer of the stamps of slab `chunk` (0 for slab 0) and of the
    /// last of the first `custom` custom slabs (0 for either that does not
    /// exist).
    fn stamp_of(&self, chunk: usize, custom: usize) -> u64 {
        let slab = self.slab_stamps.borrow().get(chunk).copied().unwrap_or(0);
        let custom = match custom.checked_sub(1) {
            Some(last) => self.custom_stamps.borrow().get(last).copied().unwrap_or(0),
            None => 0,
        };
        slab.max(custom)
    }

    #[cold]
    #[inline(never)]
    fn grow(&self, size: usize, align: usize) -> Result<NonNull<u8>, AllocError> {
        if size == 0 {
            return Ok(dangling(align));
        }
        if Self::needs_custom_slab(size, align) {
            return self.alloc_custom(size, align);
        }
        self.next_slab()?;
        // An empty slab aligned to SLAB_ALIGN holds the request: it is
        // smaller than SLAB even with the worst padding its alignment needs.
        Ok(self
            .bump
            .try_bump(size, align)
            .expect("a fresh slab holds any regular request"))
    }

    unsafe fn restore_to(&self, cp: &Checkpoint) {
        // No scope is open (the caller's guarantee), so no mark needs the log.
        self.events.borrow_mut().clear();
        // SAFETY: forwarded from the caller.
        unsafe {
            self.release_to(
                cp.chunk,
                cp.custom,
                cp.used_before,
                Cursor::Offset(cp.offset),
            )
        }
    }

    #[cold]
    #[inline(never)]
    unsafe fn restore_scope(&self, mark: ScopeMark) {
        let first = {
            let mut events = self.events.borrow_mut();
            let i = events
                .iter()
                .rposition(|e| e.gen == mark.gen)
                .expect("the generation changed, so the event that changed it is logged");
            let first = events[i];
            events.truncate(i);
            first
        };
        // SAFETY: until `first` happened the buffer stayed in the state the
        // mark saw (same chunk, custom slabs and used_before; cursor
        // `mark.ptr`); the caller guarantees nothing allocated since is in use.
        unsafe {
            self.release_to(
                first.chunk,
                first.custom,
                first.used_before,
                Cursor::Ptr(mark.ptr),
            )
        };
        self.bump.gen.set(mark.gen);
    }

    fn reserved(&self) -> (usize, usize, usize) {
        let slabs = self.slabs.borrow().len();
        let custom: usize = self.customs.borrow().iter().map(|(_, l)| l.size()).sum();
        (slabs, SLAB, slabs * SLAB + custom)
    }
}

impl<const SLAB: usize> Buffer for SlabBuffer<SLAB> {}

impl<const SLAB: usize> Drop for SlabBuffer<SLAB> {
    fn drop(&mut self) {
        // SAFETY: `&mut self` in drop: nothing borrows the buffer any more,
        // so nothing allocated from it is in use, and it is never used again.
        unsafe { self.free_after(0, 0) };
    }
}

impl<const SLAB: usize> core::fmt::Debug for SlabBuffer<SLAB> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SlabBuffer")
            .field("slab_size", &SLAB)
            .field("stats", &self.stats())
            .finish()
    }
}

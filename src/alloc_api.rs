//! `allocator_api2::alloc::Allocator` for scopes and buffers (feature
//! `allocator-api2`, on by default): allocator-api2's `Vec` and `Box`, and
//! hashbrown's collections, on bump memory.
//!
//! Implemented for `&Scope<'s>` and `&&mut Scope<'s>` (so `Vec::new_in(&*s)`
//! and `Vec::new_in(&s)` both work on the `s: &mut Scope` a closure
//! receives), and for `&SlabBuffer`, `&AllocBuffer` and `&dyn Buffer`.
//! Never for `&mut Scope` (see below). The
//! user-facing documentation, with examples, is on the impls (rustdoc shows
//! it on the pages of [`Scope`], [`SlabBuffer`] and [`AllocBuffer`]); this
//! comment is the design and the soundness argument.
//!
//! # Behaviour
//! * `allocate` is [`Scope::try_alloc_ptr`]: a pointer bump. Zero-size
//!   layouts get a dangling pointer aligned to the layout and do not touch
//!   the buffer (the crate's one rule for zero-size requests).
//! * Running out of memory (a full [`AllocBuffer`], a refused slab) returns
//!   `Err`: collections call `handle_alloc_error` as for any allocator,
//!   `try_reserve` returns it.
//! * A request from a scope that is not the innermost one open on its
//!   buffer (an outer scope while an inner one is open, through the
//!   thread's default buffer; or the buffer while any scope is open on it)
//!   **panics** with [`InnerScopeOpen`](crate::AllocError::InnerScopeOpen)'s
//!   message. It is a bug in the calling code, and an `Err` would make every
//!   collection abort the process (DESIGN.md, rule 10). Unwinding out of an
//!   allocator is what std's collections also see under `-Zoom=panic`: they
//!   are unchanged when it happens.
//! * `deallocate` frees the block only when it is the last one of the
//!   current chunk (it ends at the cursor) and the scope is the innermost:
//!   the cursor moves back. Otherwise it does nothing and the memory comes
//!   back when the scope ends (or, for a buffer, at `restore` / `reset`).
//! * `grow` / `grow_zeroed` extend the block in place when it is the last
//!   one, the scope is the innermost, the new size fits in the current chunk
//!   and the block's address satisfies the new alignment; otherwise they
//!   allocate, copy and free the old block as `deallocate` would.
//! * `shrink` works in place (moving the cursor back when the block is the
//!   last one, keeping the pointer in any case) unless the new alignment is
//!   one the block's address does not have; then it moves the block.
//! * The exact high-water mark of [`BufferStats`](crate::BufferStats) stays
//!   exact: the cursor's height is recorded before it moves back.
//!
//! # Why the impls are on references, and which references
//! The `Allocator` contract says a block stays valid until it is
//! deallocated or the allocator instance (and its copies) is dropped. A
//! buffer taken by value could be `reset` (`&mut self`) by whoever holds
//! it, for example through a collection that exposes `&mut A`, while blocks
//! are allocated: so only `&SlabBuffer`, `&AllocBuffer` and `&dyn Buffer`
//! are allocators, never the buffer itself or `&mut` to it. A shared borrow
//! of the buffer keeps `restore` and `reset` away for as long as the
//! allocator lives, exactly as for [`Buffer::alloc`]'s arrays. For scopes,
//! `&Scope<'s>` and `&&mut Scope<'s>` (the latter so that `&s` works on the
//! closure's `s: &mut Scope`). `Scope` by value is never in a user's hands.
//!
//! Never `&mut Scope<'s>` (DESIGN.md, soundness rule 9): allocator-api2's
//! `Box` (`leak`, `into_raw`, `into_vec`) and hashbrown (`into_iter`) copy
//! their allocator with `ptr::read` and then move or forget the original.
//! A bitwise copy of a unique reference used next to the original is
//! undefined behaviour under Stacked Borrows (Miri reports it at
//! `Box::leak`), whatever the allocator's methods do. Shared references may
//! be copied freely. `tests/review.rs` runs those paths under Miri on
//! `&*s` and `&s`, and a doctest on the `&&mut Scope` impl checks that `s`
//! itself is refused.
//!
//! The memory of a scope lives for `'s`, and `&'a Scope<'s>` implies
//! `'s: 'a`, so a block outlives every copy of the allocator. A collection
//! holding `&'a Scope<'s>` cannot leave the scope's closure, whose `'s` is
//! higher-ranked, the same way arrays cannot. `Scope` is `!Sync` and
//! buffers are `!Sync`, so these allocators are `!Send`: the bump state is
//! only touched from one thread.
//!
//! # Soundness of moving the cursor back
//! Bump invariant: every live block in the current chunk lies below the
//! cursor (allocation moves the cursor past the block; a scope restores the
//! cursor to its mark only when everything above the mark is dead).
//! `Bump::resize_last` moves the cursor only when the block `[ptr, ptr + old)`
//! ends at the cursor and starts at or after the current chunk's start. The
//! second condition matters because a block at the end of an earlier slab,
//! or of a custom slab, can end at the very address where the current chunk
//! starts. With both, the bytes `[ptr, cursor)` are exactly the block, so
//! freeing or shrinking it frees only its own (dead) bytes, and growing it
//! takes only free bytes from above the cursor.
//!
//! The cursor also never goes below the innermost scope's mark. We only
//! resize when the allocator's scope is the innermost (`scope.depth ==
//! bump.depth`), and the allocator contract says the block was allocated by
//! this allocator, so by this scope, after it opened. Two cases:
//! * The generation is the one the scope saw at entry (`gen == mark.gen`).
//!   The generation only changes by slow-path events (which raise it) and by
//!   closing a scope that saw one (which puts back the generation that scope
//!   opened with, never below this scope's). So no slow-path event of this
//!   scope is live: the current chunk is the mark's chunk and every block
//!   this scope allocated there lies at or above `mark.ptr`; so `ptr >=
//!   mark.ptr` and the fast restore at scope exit (`ptr = mark.ptr`) frees
//!   exactly what the scope allocated, whatever we did to the cursor.
//! * The generation changed: the current chunk is not (necessarily) the
//!   mark's, the cursor stays within the current chunk, and the scope's slow
//!   exit path returns to the state logged before its first slow-path event
//!   (chunk, custom slabs, `used_before`) with the cursor at `mark.ptr`. The
//!   cursor's position in the current chunk plays no part in that.
//!
//! Growing in place while an inner scope is open would hand the outer block
//! bytes that the inner scope's exit frees; freeing an outer block while an
//! inner scope is open could put the cursor below the inner scope's mark.
//! Both are refused by the depth check (`grow` then reallocates, which fails
//! with `Err`; `deallocate` does nothing).
//!
//! # Buffers: the depth-0 pseudo-scope
//! A buffer allocates through [`Scope::for_buffer`], a scope of depth 0 that
//! has no mark and is the innermost exactly when no scope is open on the
//! buffer. It is sound as an allocator, so buffers implement `Allocator` too:
//! * Blocks it hands out are freed only by `restore` / `reset` (`&mut self`,
//!   excluded while the allocator `&buf` lives), by dropping the buffer
//!   (likewise), by `reset_default_buffer` (which refuses while a
//!   `with_default_buffer` call, the only way to hold `&dyn Buffer` for the
//!   thread's own buffer, or a scope is open), or by `deallocate`.
//! * A scope opened on the buffer takes its mark above every block the
//!   buffer handed out, and while it is open the depth check refuses the
//!   buffer's allocations and in-place resizing, so the scope's exit never
//!   frees a buffer block and the buffer never moves the cursor under the
//!   scope's feet.
//! * With no scope open, moving the cursor back frees only the last block
//!   (argument above). A public [`Checkpoint`](crate::Checkpoint) taken
//!   above the new cursor is then "newer than the present state" and
//!   `restore` panics on it, as documented, instead of resurrecting memory.
//!
//! The catch is usability, not soundness: `buf.no_escape` takes `&self`, so
//! a collection on `&buf` stays usable inside a scope on `buf`, where any
//! allocation it makes panics (see the impls' docs).
//!
//! # What `with_default_buffer` hands out
//! Not the buffer itself but a private `DefaultBuffer`, a `&dyn Buffer`
//! whose pseudo-scope has the depth of the innermost scope open on the
//! buffer when the call began (its `base_depth`), not 0. Its allocations
//! therefore land on top of that scope, are freed when it ends (after the
//! call, as scopes nest like calls), and succeed whether or not a scope was
//! open, which a rayon worker running the call inside another job's scope
//! would otherwise change (rule 10). For every other argument it is the
//! scope (or buffer) at that depth, and the arguments above apply.

use core::ptr::{self, NonNull};

use allocator_api2::alloc::{AllocError, Allocator, Layout};

use crate::buffer::bump::dangling;
use crate::buffer::{AllocBuffer, Buffer, SlabBuffer};
use crate::scope::Scope;

/// An empty block for a zero-size layout: dangling, aligned, no memory.
#[inline]
fn empty_block(align: usize) -> NonNull<[u8]> {
    NonNull::slice_from_raw_parts(dangling(align), 0)
}

/// Whether `s` is the innermost scope open on its buffer (for the buffer's
/// depth-0 pseudo-scope: whether no scope is open), the only one that may
/// allocate or move the cursor.
#[inline]
fn is_innermost(s: &Scope<'_>) -> bool {
    s.bump.depth.get() == s.depth
}

#[inline]
fn allocate(s: &Scope<'_>, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
    let size = layout.size();
    // `try_alloc_ptr` refuses a scope that is not the innermost, and answers
    // a zero-size layout with a dangling pointer.
    match s.try_alloc_ptr(size, layout.align()) {
        Ok(p) => Ok(NonNull::slice_from_raw_parts(p, size)),
        Err(e) => refuse(e),
    }
}

/// A failed allocation: `Err` when memory ran out (collections then call
/// `handle_alloc_error`, `try_reserve` returns it), a panic when a scope
/// that is not the innermost one asked. The latter is a bug in the caller,
/// and `Err` would make every collection abort the process.
#[cold]
#[inline(never)]
fn refuse<T>(e: crate::AllocError) -> Result<T, AllocError> {
    match e {
        crate::AllocError::InnerScopeOpen { .. } => panic!("{e}"),
        _ => Err(AllocError),
    }
}

/// # Safety
/// `ptr` is a block currently allocated by `s` (through any copy of the
/// same allocator) that fits `layout`, and it is not used any more.
#[inline]
unsafe fn deallocate(s: &Scope<'_>, ptr: NonNull<u8>, layout: Layout) {
    if layout.size() != 0 && is_innermost(s) {
        // SAFETY: the block was allocated by `s` (the caller's guarantee),
        // which is the innermost open scope (or the buffer with no scope
        // open), while it was the innermost (allocation checks that, so
        // after its mark), and it is dead (the caller's guarantee). See the
        // module docs for why the cursor cannot go below `s`'s mark.
        // If the block is not the last one, nothing happens.
        unsafe { s.bump.free_last(ptr, layout.size()) };
    }
}

/// Resizes the block `[ptr, ptr + old_size)` in place to `new.size()`
/// bytes, if `s` is the innermost scope, the block is the last one of the
/// current chunk, the new size fits in the chunk and `ptr` has `new`'s
/// alignment.
///
/// # Safety
/// As [`deallocate`], except that the block is in use; if the new size is
/// smaller, its bytes after `new.size()` are not.
#[inline]
unsafe fn resize_in_place(
    s: &Scope<'_>,
    ptr: NonNull<u8>,
    old_size: usize,
    new: Layout,
) -> Option<NonNull<u8>> {
    let aligned = ptr.as_ptr().addr() & (new.align() - 1) == 0;
    if aligned && is_innermost(s) {
        // SAFETY: the block belongs to `s`, which allocated it and is the
        // innermost open scope (as in `deallocate`); when shrinking, the
        // caller guarantees the tail is unused.
        unsafe { s.bump.resize_last(ptr, old_size, new.size()) }
    } else {
        None
    }
}

/// # Safety
/// `ptr` is a block currently allocated by `s` that fits `old`, and
/// `new.size() >= old.size()`.
#[inline]
unsafe fn grow(
    s: &Scope<'_>,
    ptr: NonNull<u8>,
    old: Layout,
    new: Layout,
    zeroed: bool,
) -> Result<NonNull<[u8]>, AllocError> {
    debug_assert!(new.size() >= old.size(), "grow: the new size is smaller");
    let (old_size, new_size) = (old.size(), new.size());
    // SAFETY: forwarded from the caller; growing frees nothing.
    let block = match unsafe { resize_in_place(s, ptr, old_size, new) } {
        Some(p) => p,
        None => {
            let p = allocate(s, new)?.cast::<u8>();
            // SAFETY: the old block is valid for `old_size` bytes of reads,
            // the new one for `new_size >= old_size` bytes of writes, both
            // are aligned for bytes, and they are distinct allocations (the
            // old one is still allocated), hence do not overlap. With
            // `old_size == 0` the pointers are non-null and nothing is read.
            unsafe { ptr::copy_nonoverlapping(ptr.as_ptr(), p.as_ptr(), old_size) };
            // SAFETY: the old block was allocated by `s`, fits `old`, and
            // its contents now live in the new block: it is not used any more.
            unsafe { deallocate(s, ptr, old) };
            p
        }
    };
    if zeroed {
        // SAFETY: the block is valid for `new_size` bytes of writes; the
        // bytes from `old_size` on are the new ones, to be zeroed.
        unsafe {
            block
                .as_ptr()
                .add(old_size)
                .write_bytes(0, new_size - old_size)
        };
    }
    Ok(NonNull::slice_from_raw_parts(block, new_size))
}

/// # Safety
/// `ptr` is a block currently allocated by `s` that fits `old`, and
/// `new.size() <= old.size()`.
#[inline]
unsafe fn shrink(
    s: &Scope<'_>,
    ptr: NonNull<u8>,
    old: Layout,
    new: Layout,
) -> Result<NonNull<[u8]>, AllocError> {
    debug_assert!(new.size() <= old.size(), "shrink: the new size is larger");
    let new_size = new.size();
    if new_size == 0 {
        // SAFETY: forwarded from the caller; shrinking to nothing leaves no
        // byte of the block in use.
        unsafe { deallocate(s, ptr, old) };
        return Ok(empty_block(new.align()));
    }
    if ptr.as_ptr().addr() & (new.align() - 1) != 0 {
        // A stricter alignment than the block's address has: move it.
        let p = allocate(s, new)?.cast::<u8>();
        // SAFETY: both blocks are valid for `new_size <= old.size()` bytes
        // and are distinct allocations (the old one is still allocated).
        unsafe { ptr::copy_nonoverlapping(ptr.as_ptr(), p.as_ptr(), new_size) };
        // SAFETY: the old block fits `old` and its contents were copied.
        unsafe { deallocate(s, ptr, old) };
        return Ok(NonNull::slice_from_raw_parts(p, new_size));
    }
    // SAFETY: forwarded from the caller: the bytes after `new_size` are no
    // longer in use once the block shrinks.
    let block = unsafe { resize_in_place(s, ptr, old.size(), new) }.unwrap_or(ptr);
    // Not the last block (or not the innermost scope): the same block, now
    // `new_size` long; the tail comes back when the scope ends.
    Ok(NonNull::slice_from_raw_parts(block, new_size))
}

/// The `Allocator` methods, forwarding to the functions above with the
/// scope `$scope` (an expression of `$this`, which is `self`).
macro_rules! allocator_methods {
    (|$this:ident| $scope:expr) => {
        #[inline]
        fn allocate(&self, layout: Layout) -> Result<NonNull<[u8]>, AllocError> {
            let $this = self;
            allocate(&$scope, layout)
        }

        #[inline]
        unsafe fn deallocate(&self, ptr: NonNull<u8>, layout: Layout) {
            let $this = self;
            // SAFETY: forwarded from the caller: `ptr` is currently
            // allocated by this allocator (whose every copy is the same
            // scope) and fits `layout`.
            unsafe { deallocate(&$scope, ptr, layout) }
        }

        #[inline]
        unsafe fn grow(
            &self,
            ptr: NonNull<u8>,
            old_layout: Layout,
            new_layout: Layout,
        ) -> Result<NonNull<[u8]>, AllocError> {
            let $this = self;
            // SAFETY: forwarded from the caller.
            unsafe { grow(&$scope, ptr, old_layout, new_layout, false) }
        }

        #[inline]
        unsafe fn grow_zeroed(
            &self,
            ptr: NonNull<u8>,
            old_layout: Layout,
            new_layout: Layout,
        ) -> Result<NonNull<[u8]>, AllocError> {
            let $this = self;
            // SAFETY: forwarded from the caller.
            unsafe { grow(&$scope, ptr, old_layout, new_layout, true) }
        }

        #[inline]
        unsafe fn shrink(
            &self,
            ptr: NonNull<u8>,
            old_layout: Layout,
            new_layout: Layout,
        ) -> Result<NonNull<[u8]>, AllocError> {
            let $this = self;
            // SAFETY: forwarded from the caller.
            unsafe { shrink(&$scope, ptr, old_layout, new_layout) }
        }
    };
}

/// allocator-api2's `Vec`, `Box` and hashbrown's collections on scope
/// memory: `Vec::new_in(&*s)`, `HashMap::new_in(&*s)`. Memory comes back
/// when the scope ends; a collection cannot outlive the scope.
///
/// * Allocation is a pointer bump ([`Scope::try_alloc_ptr`]); zero-size
///   layouts get a dangling aligned pointer and use no memory.
/// * `deallocate` gives the block back only if it is the last one in the
///   buffer's current slab (a `Vec` dropped right after it grew, say);
///   otherwise the memory waits for the end of the scope.
/// * `grow` extends the last block in place when the slab has room, so a
///   `Vec` that is the latest allocation grows without copying; `shrink`
///   never copies (unless asked for a stricter alignment).
///
/// # Errors
/// When the buffer runs out (a full [`AllocBuffer`]), `Err`: `try_reserve`
/// returns it, `push` calls `handle_alloc_error` as with any allocator.
///
/// # Panics: nested scopes
/// Only the innermost scope open on a buffer may allocate. [`Scope::no_escape`]
/// makes that a compile error, but a function that opens its own
/// [`no_escape`](crate::no_escape) on the thread's default buffer can run
/// while a collection of an outer scope is live. There, the outer
/// collection's allocations (and growth) panic with
/// [`AllocError::InnerScopeOpen`](crate::AllocError::InnerScopeOpen)'s
/// message, `try_reserve` included: it is a bug in the calling code, and
/// returning `Err` would make `push` abort the process. Reading, writing,
/// deallocating and shrinking there are fine (the memory waits until the
/// outer scope ends).
///
/// ```
/// use allocator_api2::vec::Vec;
/// use bumper::{AllocBuffer, Buffer};
///
/// let buf = AllocBuffer::with_capacity(1024);
/// buf.no_escape(|s| {
///     let mut v: Vec<u32, _> = Vec::with_capacity_in(4, &*s);
///     v.extend([1, 2, 3, 4]);
///     let p = v.as_ptr();
///     v.push(5); // the last block grows in place: no copy
///     assert_eq!(v.as_ptr(), p);
///     assert_eq!((v.capacity(), s.used_bytes()), (8, 32));
///     assert_eq!(v.iter().sum::<u32>(), 15);
///     drop(v); // the last block: its memory comes back at once
///     assert_eq!(s.used_bytes(), 0);
///
///     let mut map = hashbrown::HashMap::new_in(&*s);
///     map.insert("one", 1);
///     assert_eq!(map["one"], 1);
/// });
/// assert_eq!(buf.used_bytes(), 0);
/// ```
///
/// An outer scope's collection inside an inner scope on the same buffer:
///
/// ```
/// use allocator_api2::alloc::{Allocator, Layout};
/// use allocator_api2::vec::Vec;
///
/// bumper::no_escape(|s| {
///     let mut v = Vec::new_in(&*s);
///     v.push(1.0_f64);
///     bumper::no_escape(|_inner| {
///         // `s` is not the innermost scope: it may not allocate...
///         let grown = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
///             v.reserve(100);
///         }));
///         assert!(grown.is_err());
///         // ...but its collections are still readable and writable.
///         v[0] += 1.0;
///     });
///     v.push(3.0); // fine again
///     assert_eq!(v, [2.0, 3.0]);
/// });
/// ```
///
/// A collection cannot leave its scope, like an array:
///
/// ```compile_fail
/// use allocator_api2::vec::Vec;
///
/// let mut keep = None;
/// bumper::no_escape(|s| {
///     keep = Some(Vec::<u8, _>::new_in(&*s)); // error: borrowed data escapes
/// });
/// ```
// SAFETY: blocks stay valid until the scope ends, and `&'a Scope<'s>` implies
// `'s: 'a`, so they outlive every copy of this allocator (all copies are the
// same scope); deallocate/grow/shrink move the cursor only for the last block
// of the innermost scope (module docs, "Soundness of moving the cursor back").
unsafe impl<'s> Allocator for &Scope<'s> {
    allocator_methods!(|this| **this);
}

/// The same allocator as `&Scope` (see there), for the `s: &mut Scope` a
/// scope's closure receives: `Vec::new_in(&s)` works as well as
/// `Vec::new_in(&*s)`.
///
/// ```
/// use allocator_api2::vec::Vec;
///
/// let v = bumper::no_escape(|s| {
///     let mut v = Vec::new_in(&s);
///     v.extend_from_slice(&[1_u8, 2, 3]);
///     let a = s.alloc_from_slice([2], &[4_u8, 5]); // `s` is still usable
///     v.extend(a.iter().copied());
///     v.iter().map(|&x| u32::from(x)).sum::<u32>()
/// });
/// assert_eq!(v, 15);
/// ```
///
/// `&mut Scope` itself is not an allocator: allocator-api2's `Box` and
/// hashbrown copy their allocator bitwise (`ptr::read`) while the original
/// is still in use, which a unique reference does not survive (DESIGN.md,
/// soundness rule 9). Pass `&*s` or `&s` instead of `s`:
///
/// ```compile_fail
/// bumper::no_escape(|s| {
///     let b = allocator_api2::boxed::Box::new_in(7_u64, s); // error: `&mut Scope` is no allocator
///     assert_eq!(*b, 7);
/// });
/// ```
///
/// ```compile_fail
/// use allocator_api2::vec::Vec;
///
/// bumper::no_escape(|s| {
///     let v = Vec::<u8, _>::new_in(&s);
///     s.no_escape(|_t| {}); // error: `s` is borrowed by `v`
///     drop(v);
/// });
/// ```
// SAFETY: a shared reference, copied bitwise as often as a collection likes;
// it derefs to `&Scope<'s>` for as long as it lives, and the blocks live for
// `'s` (as for `&Scope`). While it lives, `s` cannot open a nested scope.
unsafe impl<'s> Allocator for &&mut Scope<'s> {
    allocator_methods!(|this| ***this);
}

/// Collections on a [`SlabBuffer`] outside any scope, like
/// [`Buffer::alloc`]: memory lives until [`Buffer::restore`] or
/// [`Buffer::reset`], which need `&mut` and so wait for the collections to
/// go. `deallocate` gives back the last block, `grow` extends it in place,
/// as for [`Scope`]'s allocator.
///
/// # Errors
/// As for [`Scope`]'s allocator: `Err` when memory runs out.
///
/// # Panics
/// While a scope is open on the buffer, the buffer may not allocate: a
/// collection on `&buf` that needs memory inside `buf.no_escape(...)`
/// panics with [`AllocError::InnerScopeOpen`](crate::AllocError::InnerScopeOpen)'s
/// message. Allocate from the scope there instead.
///
/// ```
/// use allocator_api2::vec::Vec;
/// use bumper::{Buffer, SlabBuffer};
///
/// let mut buf = SlabBuffer::<4096>::new();
/// {
///     let mut v = Vec::new_in(&buf);
///     v.extend(0..100_u64);
///     assert_eq!(v.iter().sum::<u64>(), 4950);
///     buf.no_escape(|_s| v.truncate(10)); // fine: no allocation
/// }
/// assert_eq!(buf.used_bytes(), 0); // the Vec was the last block
/// buf.reset();
/// ```
// SAFETY: blocks are freed only by `restore` / `reset` / drop, which need
// the buffer by `&mut` or by value, impossible while this shared borrow (the
// allocator) lives; a scope opened on the buffer marks above every block and
// the depth check keeps the buffer from allocating or resizing meanwhile.
unsafe impl<const SLAB: usize> Allocator for &SlabBuffer<SLAB> {
    allocator_methods!(|this| Scope::for_buffer(*this));
}

/// Collections on an [`AllocBuffer`] outside any scope; see the
/// [`SlabBuffer`] impl, which behaves the same except that a full buffer
/// fails instead of growing.
///
/// ```
/// use allocator_api2::vec::Vec;
/// use bumper::{AllocBuffer, Buffer};
///
/// let buf = AllocBuffer::with_capacity(64);
/// let mut v: Vec<u32, _> = Vec::with_capacity_in(8, &buf);
/// v.extend([1, 2, 3]);
/// assert_eq!(buf.used_bytes(), 32);
/// assert!(v.try_reserve_exact(100).is_err()); // 412 bytes do not fit in 64
/// assert_eq!(v, [1, 2, 3]);
/// ```
// SAFETY: as for `&SlabBuffer`.
unsafe impl<S> Allocator for &AllocBuffer<S> {
    allocator_methods!(|this| Scope::for_buffer(*this));
}

/// Collections on any buffer, such as the current default one from
/// [`with_default_buffer`](crate::with_default_buffer); see the
/// [`SlabBuffer`] impl. What `with_default_buffer` hands out allocates on
/// top of the scope that was open when it was called, if any, so its
/// collections work the same inside a scope as outside.
///
/// ```
/// use allocator_api2::vec::Vec;
///
/// let n = bumper::with_default_buffer(|b| {
///     let mut v = Vec::new_in(b);
///     v.extend(1..=4_i32);
///     v.iter().product::<i32>()
/// });
/// assert_eq!(n, 24);
///
/// // The same inside a scope: the Vec's memory comes from on top of it.
/// let n = bumper::no_escape(|s| {
///     let _a = s.alloc_filled([8], 0_u8);
///     bumper::with_default_buffer(|b| {
///         let mut v = Vec::new_in(b);
///         v.extend(1..=4_i32);
///         v.iter().product::<i32>()
///     })
/// });
/// assert_eq!(n, 24);
/// ```
// SAFETY: every `Buffer` is one of this crate's (the trait is sealed). For
// the two buffers, as for `&SlabBuffer`; `reset_default_buffer` refuses while
// a `with_default_buffer` call, which lends this reference, is running. For
// the `DefaultBuffer` that call hands out, as for `&Scope` at its depth `d`:
// its blocks are made while depth `d` is the innermost, after scope `d`
// opened, and live until that scope ends, which is after the call that
// lends this reference returns (module docs).
unsafe impl<'b> Allocator for &(dyn Buffer + 'b) {
    allocator_methods!(|this| Scope::for_buffer(*this));
}

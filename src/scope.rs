//! Checkpoint scopes ([`Scope`], [`no_escape`]) and the per-thread default
//! buffer ([`with_buffer`], [`with_default_buffer`], [`reset_default_buffer`]).
//!
//! A scope saves its buffer's state when it opens and restores it when it
//! closes, so everything allocated inside is freed at once. The closure that
//! receives the scope is generic over the scope's lifetime `'s`
//! (`for<'s> FnOnce(&mut Scope<'s>) -> R`), and every array allocated from
//! it carries `'s`; since `R` cannot name `'s`, no array can leave the
//! closure. Nesting is checked: see [`Scope::no_escape`].

use core::cell::Cell;
use core::fmt;
use core::marker::PhantomData;
use core::mem::{self, MaybeUninit};
use core::ptr::NonNull;

use crate::array::{layout, Order, PtrArray};
use crate::buffer::bump::{Bump, ScopeMark};
use crate::buffer::{AllocError, Buffer, BufferStats, Checkpoint, SlabBuffer};

/// A checkpoint scope on a buffer: allocate from it with [`alloc`](Scope::alloc)
/// and friends; everything is freed when the scope's closure returns.
///
/// You get one from [`no_escape`] (the thread's default buffer),
/// [`Buffer::no_escape`] (a given buffer) or [`Scope::no_escape`] (nested).
/// Arrays carry the scope's lifetime `'s`, not a borrow of the `Scope`, so
/// many can be live at once and all of them are usable in nested scopes.
///
/// `Scope` is neither `Send` nor `Sync`: it allocates from a buffer that
/// belongs to one thread. Arrays from it may be sent to other threads (like
/// `&mut [T]`), as long as those finish before the scope ends, as with
/// `std::thread::scope` or `rayon::join`.
///
/// ```
/// let total = bumper::no_escape(|s| {
///     let x = s.alloc_from_slice([3], &[1_i64, 2, 3]);
///     let mut y = s.alloc::<i64, 1>([3]);
///     for (yi, xi) in y.iter_mut().zip(x.iter()) {
///         *yi = xi + 1;
///     }
///     y.iter().sum::<i64>()
/// });
/// assert_eq!(total, 9);
/// ```
///
/// ```compile_fail
/// // A Scope cannot be used from another thread.
/// bumper::no_escape(|s| {
///     std::thread::scope(|t| {
///         t.spawn(|| s.alloc::<f64, 1>([4]));
///     });
/// });
/// ```
pub struct Scope<'s> {
    pub(crate) bump: &'s Bump,
    pub(crate) buf: &'s dyn Buffer,
    /// This scope's nesting depth on `buf` (0: the buffer itself).
    pub(crate) depth: usize,
    _marker: ScopeMarker<'s>,
}

/// Makes [`Scope`] `!Send`, `!Sync` (the raw pointer) and invariant in `'s`.
type ScopeMarker<'s> = PhantomData<(*mut (), fn(&'s ()) -> &'s ())>;

impl<'s> Scope<'s> {
    /// The pseudo-scope the buffer's own allocation methods go through, at
    /// the buffer's base depth: 0 for a buffer, so it allocates only while no
    /// scope is open on it; for what `with_default_buffer` hands out, the
    /// depth when that call began.
    #[inline(always)]
    pub(crate) fn for_buffer<B: Buffer + ?Sized>(buf: &'s B) -> Self {
        Scope {
            bump: buf.bump(),
            buf: buf.as_dyn(),
            depth: buf.base_depth(),
            _marker: PhantomData,
        }
    }

    /// `size` bytes aligned to `align`, valid until the scope ends.
    ///
    /// A zero-size request (`size == 0`, or a typed allocation with no
    /// elements or a zero-sized type) passes the same checks and gets a
    /// dangling pointer aligned to `align`: it uses no memory, never takes a
    /// new slab and never fails for lack of room. This is the one rule for
    /// zero-size requests everywhere in the crate (typed allocations, raw
    /// pointers, and the allocator-api2 `Allocator` impls).
    ///
    /// # Errors
    /// [`AllocError::BadAlign`] if `align` is not a power of two;
    /// [`AllocError::OutOfCapacity`] / [`AllocError::OutOfMemory`] /
    /// [`AllocError::SizeOverflow`] if the buffer cannot provide the bytes;
    /// [`AllocError::InnerScopeOpen`] if a scope nested inside this one is open.
    ///
    /// ```
    /// use bumper::{AllocBuffer, AllocError, Buffer};
    ///
    /// let buf = AllocBuffer::with_capacity(100);
    /// buf.no_escape(|s| {
    ///     assert!(s.try_alloc_ptr(60, 8).is_ok());
    ///     // 40 bytes are left, 4 of them go to padding up to the next multiple of 8
    ///     assert_eq!(
    ///         s.try_alloc_ptr(60, 8),
    ///         Err(AllocError::OutOfCapacity { requested: 60, available: 36 })
    ///     );
    /// });
    /// ```
    #[inline(always)]
    pub fn try_alloc_ptr(&self, size: usize, align: usize) -> Result<NonNull<u8>, AllocError> {
        if self.bump.depth.get() != self.depth {
            return Err(self.inner_scope_open());
        }
        if !align.is_power_of_two() {
            return Err(AllocError::BadAlign(align));
        }
        match self.bump.try_bump(size, align) {
            Some(p) => Ok(p),
            None => self.buf.grow(size, align),
        }
    }

    #[cold]
    fn inner_scope_open(&self) -> AllocError {
        AllocError::InnerScopeOpen {
            depth: self.depth,
            innermost: self.bump.depth.get(),
        }
    }

    /// `size` bytes aligned to `align`, valid until the scope ends (Bumper.jl's
    /// `@alloc_ptr`). The pointer has no lifetime; using it after the scope
    /// ends is undefined behaviour, like any dangling raw pointer.
    ///
    /// # Panics
    /// With the [`AllocError`] text when [`try_alloc_ptr`](Scope::try_alloc_ptr) fails.
    ///
    /// ```
    /// use bumper::{AllocBuffer, Buffer};
    ///
    /// let buf = AllocBuffer::with_capacity(100);
    /// buf.no_escape(|s| {
    ///     let a = s.alloc_ptr(10, 1);
    ///     let b = s.alloc_ptr(10, 1);
    ///     assert_eq!(b.as_ptr() as usize - a.as_ptr() as usize, 10);
    /// });
    /// ```
    #[track_caller]
    #[inline(always)]
    pub fn alloc_ptr(&self, size: usize, align: usize) -> NonNull<u8> {
        match self.try_alloc_ptr(size, align) {
            Ok(p) => p,
            Err(e) => alloc_failed(e),
        }
    }

    /// An array of shape `dims` whose elements are not initialised yet.
    /// Write them, then call [`PtrArray::assume_init`].
    ///
    /// # Errors
    /// As [`try_alloc_ptr`](Scope::try_alloc_ptr), plus
    /// [`AllocError::SizeOverflow`] when the element count or byte size
    /// overflows.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.try_alloc_uninit::<u16, 2>([2, 2]).unwrap();
    ///     for (k, x) in a.iter_mut().enumerate() {
    ///         x.write(k as u16);
    ///     }
    ///     // SAFETY: all four elements were written.
    ///     let a = unsafe { a.assume_init() };
    ///     assert_eq!(a[[1, 1]], 3);
    /// });
    /// ```
    #[inline(always)]
    pub fn try_alloc_uninit<T: Copy, const N: usize>(
        &self,
        dims: [usize; N],
    ) -> Result<PtrArray<'s, MaybeUninit<T>, N>, AllocError> {
        let bytes = layout::byte_size::<T, N>(&dims)?;
        let ptr = self.try_alloc_ptr(bytes, mem::align_of::<T>())?;
        // SAFETY: `ptr` is valid for `bytes` = len * size_of::<T>() bytes,
        // aligned for T, for all of `'s` (freed only when the scope ends),
        // and handed out only here; MaybeUninit needs no initialisation.
        Ok(unsafe { PtrArray::from_raw(ptr.cast(), dims, layout::row_major_strides(&dims)) })
    }

    /// An array of shape `dims` whose elements are not initialised yet.
    ///
    /// # Panics
    /// As [`alloc_ptr`](Scope::alloc_ptr), and if the size overflows.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc_uninit::<f64, 1>([4]);
    ///     a.iter_mut().for_each(|x| { x.write(0.5); });
    ///     // SAFETY: every element was written.
    ///     let a = unsafe { a.assume_init() };
    ///     assert_eq!(a.iter().sum::<f64>(), 2.0);
    /// });
    /// ```
    #[track_caller]
    #[inline(always)]
    pub fn alloc_uninit<T: Copy, const N: usize>(
        &self,
        dims: [usize; N],
    ) -> PtrArray<'s, MaybeUninit<T>, N> {
        match self.try_alloc_uninit(dims) {
            Ok(a) => a,
            Err(e) => alloc_failed(e),
        }
    }

    /// An array of shape `dims` in memory order `order` whose elements are
    /// not initialised yet: [`Order::RowMajor`] is
    /// [`alloc_uninit`](Scope::alloc_uninit), [`Order::ColumnMajor`] has
    /// the reversed strides (the first axis fastest, ndarray's `.f()`).
    ///
    /// # Panics
    /// As [`alloc_uninit`](Scope::alloc_uninit).
    ///
    /// ```
    /// use bumper::array::Order;
    ///
    /// bumper::no_escape(|s| {
    ///     let mut a = s.alloc_uninit_order::<u32, 2>([2, 3], Order::ColumnMajor);
    ///     assert_eq!(a.strides(), [1, 2]);
    ///     for (k, x) in a.as_slice_memory_order_mut().unwrap().iter_mut().enumerate() {
    ///         x.write(k as u32);
    ///     }
    ///     // SAFETY: all six elements were written.
    ///     let a = unsafe { a.assume_init() };
    ///     assert_eq!(a.to_vec(), [0, 2, 4, 1, 3, 5]);
    /// });
    /// ```
    #[track_caller]
    #[inline(always)]
    pub fn alloc_uninit_order<T: Copy, const N: usize>(
        &self,
        dims: [usize; N],
        order: Order,
    ) -> PtrArray<'s, MaybeUninit<T>, N> {
        match order {
            Order::RowMajor => self.alloc_uninit(dims),
            // SAFETY: column-major strides on a fresh contiguous block of
            // the shape's element count: every index a distinct element.
            Order::ColumnMajor => unsafe {
                self.alloc_uninit_with_strides(dims, layout::column_major_strides(&dims))
            },
        }
    }

    /// An array of shape `dims` with the given `strides`, elements not
    /// initialised; `strides` must be a permutation's row-major strides
    /// (the same contiguous block, axes in another order).
    ///
    /// # Safety
    /// `strides` are, on every axis longer than 1, the row-major strides of
    /// `dims` with the axes taken in some order: each index of `dims` then
    /// addresses a distinct element of a block of `len(dims)` elements.
    #[track_caller]
    #[inline(always)]
    pub(crate) unsafe fn alloc_uninit_with_strides<T: Copy, const N: usize>(
        &self,
        dims: [usize; N],
        strides: [isize; N],
    ) -> PtrArray<'s, MaybeUninit<T>, N> {
        let a = self.alloc_uninit::<T, N>(dims);
        // SAFETY: `a` is a fresh contiguous block of `len(dims)` elements,
        // ours for 's; the caller's strides address each of them once.
        unsafe { PtrArray::from_raw(a.raw.ptr, dims, strides) }
    }

    /// An array of shape `dims` in memory order `order`, filled with
    /// `T::default()`.
    ///
    /// # Panics
    /// As [`alloc`](Scope::alloc).
    ///
    /// ```
    /// use bumper::array::Order;
    ///
    /// bumper::no_escape(|s| {
    ///     let f = s.alloc_order::<f64, 3>([2, 3, 4], Order::ColumnMajor);
    ///     assert_eq!(f.strides(), [1, 2, 6]);
    ///     assert!(!f.is_standard_layout());
    ///     assert_eq!(s.alloc_order::<f64, 3>([2, 3, 4], Order::RowMajor).strides(), [12, 4, 1]);
    /// });
    /// ```
    #[track_caller]
    #[inline(always)]
    pub fn alloc_order<T: Copy + Default, const N: usize>(
        &self,
        dims: [usize; N],
        order: Order,
    ) -> PtrArray<'s, T, N> {
        self.alloc_filled_order(dims, T::default(), order)
    }

    /// An array of shape `dims` in memory order `order` with every element
    /// equal to `value`.
    ///
    /// # Panics
    /// As [`alloc`](Scope::alloc).
    ///
    /// ```
    /// use bumper::array::Order;
    ///
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_filled_order([3, 2], 7_i16, Order::ColumnMajor);
    ///     assert_eq!(a.strides(), [1, 3]);
    ///     assert_eq!(a.to_vec(), [7; 6]);
    /// });
    /// ```
    #[track_caller]
    #[inline(always)]
    pub fn alloc_filled_order<T: Copy, const N: usize>(
        &self,
        dims: [usize; N],
        value: T,
        order: Order,
    ) -> PtrArray<'s, T, N> {
        self.alloc_uninit_order(dims, order).init_filled(value)
    }

    /// An array of shape `dims` (row-major) filled with `T::default()`.
    ///
    /// # Errors
    /// As [`try_alloc_uninit`](Scope::try_alloc_uninit).
    ///
    /// ```
    /// use bumper::{AllocBuffer, AllocError, Buffer};
    ///
    /// let buf = AllocBuffer::with_capacity(64);
    /// buf.no_escape(|s| {
    ///     let a = s.try_alloc::<f64, 2>([2, 3]).unwrap();
    ///     assert_eq!(a.to_vec(), [0.0; 6]);
    ///     assert_eq!(s.try_alloc::<f64, 1>([usize::MAX]).unwrap_err(), AllocError::SizeOverflow);
    /// });
    /// ```
    #[inline(always)]
    pub fn try_alloc<T: Copy + Default, const N: usize>(
        &self,
        dims: [usize; N],
    ) -> Result<PtrArray<'s, T, N>, AllocError> {
        Ok(self.try_alloc_uninit(dims)?.init_filled(T::default()))
    }

    /// An array of shape `dims` (row-major) filled with `T::default()`
    /// (Bumper.jl's `@alloc`, which leaves memory uninitialised: use
    /// [`alloc_uninit`](Scope::alloc_uninit) for that).
    ///
    /// # Panics
    /// With the [`AllocError`] text when [`try_alloc`](Scope::try_alloc) fails.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let mut m = s.alloc::<f32, 2>([2, 2]);
    ///     m[[0, 1]] = 1.0;
    ///     assert_eq!(m.to_vec(), [0.0, 1.0, 0.0, 0.0]);
    /// });
    /// ```
    #[track_caller]
    #[inline(always)]
    pub fn alloc<T: Copy + Default, const N: usize>(&self, dims: [usize; N]) -> PtrArray<'s, T, N> {
        self.alloc_filled(dims, T::default())
    }

    /// An array of shape `dims` with every element equal to `value`.
    ///
    /// # Panics
    /// As [`alloc`](Scope::alloc).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let a = s.alloc_filled([2, 2], 1.5_f64);
    ///     assert_eq!(a.iter().sum::<f64>(), 6.0);
    /// });
    /// ```
    #[track_caller]
    #[inline(always)]
    pub fn alloc_filled<T: Copy, const N: usize>(
        &self,
        dims: [usize; N],
        value: T,
    ) -> PtrArray<'s, T, N> {
        self.alloc_uninit(dims).init_filled(value)
    }

    /// An array of shape `dims` whose element at index `i` is `f(i)`; `f`
    /// is called in row-major order.
    ///
    /// # Panics
    /// As [`alloc`](Scope::alloc), and if `f` panics (the memory is freed
    /// with the scope).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let eye = s.alloc_with([3, 3], |[i, j]| if i == j { 1.0 } else { 0.0 });
    ///     assert_eq!(eye[[1, 1]], 1.0);
    ///     assert_eq!(eye[[1, 2]], 0.0);
    /// });
    /// ```
    #[track_caller]
    pub fn alloc_with<T: Copy, const N: usize>(
        &self,
        dims: [usize; N],
        mut f: impl FnMut([usize; N]) -> T,
    ) -> PtrArray<'s, T, N> {
        let mut a = self.alloc_uninit::<T, N>(dims);
        let slots = a.as_slice_mut().expect("a fresh allocation is contiguous");
        let mut index = [0usize; N];
        match N.checked_sub(1) {
            // Rank 0: one element.
            None => {
                slots[0].write(f(index));
            }
            // Rank 1: one row, a plain counted loop.
            Some(0) => {
                for (j, slot) in slots.iter_mut().enumerate() {
                    index[0] = j;
                    slot.write(f(index));
                }
            }
            // Row by row along the last axis, so the inner loop is a plain
            // counted loop; the outer axes step once per row.
            Some(last) if dims[last] > 0 => {
                let row_len = dims[last];
                let mut rest = slots;
                while !rest.is_empty() {
                    let (row, tail) = rest.split_at_mut(row_len);
                    for (j, slot) in row.iter_mut().enumerate() {
                        index[last] = j;
                        slot.write(f(index));
                    }
                    index[last] = row_len - 1;
                    layout::advance_row_major(&mut index, &dims);
                    rest = tail;
                }
            }
            Some(_) => {} // an empty last axis: no elements
        }
        // SAFETY: the loops wrote every element, in row-major order.
        unsafe { a.assume_init() }
    }

    /// An array of shape `dims` holding a copy of `data`, read in row-major
    /// order.
    ///
    /// # Panics
    /// If `data.len()` is not the number of elements `dims` holds (the
    /// message names both), or as [`alloc`](Scope::alloc).
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     let m = s.alloc_from_slice([2, 3], &[1, 2, 3, 4, 5, 6]);
    ///     assert_eq!(m[[1, 0]], 4);
    /// });
    /// ```
    #[track_caller]
    pub fn alloc_from_slice<T: Copy, const N: usize>(
        &self,
        dims: [usize; N],
        data: &[T],
    ) -> PtrArray<'s, T, N> {
        let len = layout::checked_len(&dims);
        assert!(
            len == Some(data.len()),
            "alloc_from_slice: shape {dims:?} holds {} elements but the slice has {}",
            len.map_or_else(|| "more than usize::MAX".to_string(), |n| n.to_string()),
            data.len()
        );
        let mut a = self.alloc_uninit::<T, N>(dims);
        let dst = a.as_slice_mut().expect("a fresh allocation is contiguous");
        for (d, s) in dst.iter_mut().zip(data) {
            d.write(*s);
        }
        // SAFETY: `dst` has `data.len()` elements, all written above.
        unsafe { a.assume_init() }
    }

    /// Runs `f` in a new scope nested in this one. Arrays of this scope stay
    /// usable inside `f`; arrays of the inner scope are freed when `f`
    /// returns. While `f` runs this scope is mutably borrowed, so it cannot
    /// allocate (its arrays would land in memory the inner scope frees).
    ///
    /// ```
    /// use bumper::{AllocBuffer, Buffer};
    ///
    /// let buf = AllocBuffer::with_capacity(100);
    /// buf.no_escape(|s| {
    ///     let outer = s.alloc_filled([3], 1_i64);
    ///     let inner_sum = s.no_escape(|t| {
    ///         let inner = t.alloc_filled([3], 2_i64);
    ///         // the inner array starts right after the outer one
    ///         assert_eq!(inner.as_ptr() as usize - outer.as_ptr() as usize, 24);
    ///         inner.iter().chain(outer.iter()).sum::<i64>()
    ///     });
    ///     assert_eq!(inner_sum, 9);
    ///     assert_eq!(buf.used_bytes(), 24);
    /// });
    /// ```
    ///
    /// ```compile_fail
    /// bumper::no_escape(|s| {
    ///     s.no_escape(|_t| {
    ///         let _x = s.alloc::<u8, 1>([1]); // error: `s` is mutably borrowed
    ///     });
    /// });
    /// ```
    pub fn no_escape<R>(&mut self, f: impl for<'t> FnOnce(&mut Scope<'t>) -> R) -> R {
        enter(self.buf, f)
    }

    /// Bytes in use on this scope's buffer (everything live on it, not just
    /// this scope's own allocations).
    ///
    /// ```
    /// use bumper::{AllocBuffer, Buffer};
    ///
    /// AllocBuffer::with_capacity(64).no_escape(|s| {
    ///     let _a = s.alloc::<u32, 1>([4]);
    ///     assert_eq!(s.used_bytes(), 16);
    /// });
    /// ```
    pub fn used_bytes(&self) -> usize {
        self.bump.used_bytes()
    }

    /// This scope's nesting depth on its buffer: 1 for the outermost scope.
    ///
    /// ```
    /// bumper::no_escape(|s| {
    ///     assert_eq!(s.depth(), 1);
    ///     s.no_escape(|t| assert_eq!(t.depth(), 2));
    /// });
    /// ```
    pub fn depth(&self) -> usize {
        self.depth
    }
}

impl fmt::Debug for Scope<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Scope")
            .field("depth", &self.depth)
            .field("used_bytes", &self.used_bytes())
            .finish()
    }
}

#[cold]
#[inline(never)]
#[track_caller]
fn alloc_failed(e: AllocError) -> ! {
    panic!("{e}")
}

/// Restores the buffer when a scope ends, normally or by panic.
struct ScopeGuard<'b, B: Buffer + ?Sized> {
    buf: &'b B,
    mark: ScopeMark,
}

impl<B: Buffer + ?Sized> Drop for ScopeGuard<'_, B> {
    #[inline(always)]
    fn drop(&mut self) {
        let bump = self.buf.bump();
        // Scopes close in LIFO order (they are closures; unwinding runs
        // their guards innermost first), so this one is the innermost.
        bump.depth.set(bump.depth.get() - 1);
        if !bump.restore_scope_fast(&self.mark) {
            // SAFETY: this scope is the innermost (scopes on a buffer nest
            // like the closures that hold them) and `mark` is its entry
            // state. Everything allocated since came from this scope (its
            // arrays carry the scope's lifetime, which has ended), from scopes
            // nested in it (already closed), or nowhere else: the depth check
            // refused outer scopes and the buffer itself while it was open.
            unsafe { self.buf.restore_scope(self.mark) }
        }
    }
}

/// Opens a scope on `buf`, runs `f`, restores `buf`.
#[inline(always)]
pub(crate) fn enter<B: Buffer + ?Sized, R>(
    buf: &B,
    f: impl for<'s> FnOnce(&mut Scope<'s>) -> R,
) -> R {
    let bump = buf.bump();
    let depth = bump.depth.get() + 1;
    let _guard = ScopeGuard {
        buf,
        mark: bump.scope_mark(),
    };
    bump.depth.set(depth);
    let mut scope = Scope {
        bump,
        buf: buf.as_dyn(),
        depth,
        _marker: PhantomData,
    };
    f(&mut scope)
}

// ---- the per-thread default buffer ----------------------------------------

/// The thread's own default buffer, created on first use, freed when the
/// thread ends.
struct OwnBuffer(SlabBuffer);

thread_local! {
    static OWN: OwnBuffer = const { OwnBuffer(SlabBuffer::new()) };

    /// The buffer `with_buffer` installed, if any; valid while that call
    /// runs. No destructor, so it stays usable while the thread's other
    /// thread-locals (`OWN` included) are being destroyed.
    static CURRENT: Cell<Option<NonNull<dyn Buffer>>> = const { Cell::new(None) };

    /// Live `with_buffer` / `with_default_buffer` calls on this thread (no
    /// destructor either).
    static PINS: Cell<usize> = const { Cell::new(0) };

    /// The fast path of `no_escape`: the thread's own buffer while it is the
    /// default, null otherwise (before first use, inside `with_buffer` and
    /// until the next `no_escape` after it, and once the thread's buffer is
    /// dropped). A type without destructor, so reading it is a plain
    /// thread-local load with no lazy-registration check.
    static FAST: Cell<*const SlabBuffer> = const { Cell::new(core::ptr::null()) };
}

impl Drop for OwnBuffer {
    fn drop(&mut self) {
        // The buffer is about to be freed: later calls take the slow path.
        FAST.set(core::ptr::null());
    }
}

/// The thread's own buffer, or `None` once it has been destroyed (a
/// thread-local destructor running at thread exit called us). The pointer
/// is valid until this thread's thread-local destructors run `OWN`'s,
/// which no call of ours can outlast: they run one after another, and
/// `OWN`'s has not started if `try_with` succeeds.
fn own_buffer() -> Option<*const SlabBuffer> {
    OWN.try_with(|own| &own.0 as *const SlabBuffer).ok()
}

/// Undoes a `with_buffer` / `with_default_buffer` on drop (also on panic).
struct PinGuard {
    /// What `CURRENT` was, if this pin installed a buffer.
    prev: Option<Option<NonNull<dyn Buffer>>>,
}

impl Drop for PinGuard {
    fn drop(&mut self) {
        if let Some(prev) = self.prev {
            // FAST stays null: the next `no_escape` re-arms it if the
            // thread's own buffer is the default again.
            CURRENT.set(prev);
        }
        PINS.set(PINS.get() - 1);
    }
}

/// Counts a `with_buffer` / `with_default_buffer` call and, for the former,
/// installs its buffer until the guard drops.
fn pin(install: Option<NonNull<dyn Buffer>>) -> PinGuard {
    let prev = install.map(|p| {
        FAST.set(core::ptr::null());
        CURRENT.replace(Some(p))
    });
    PINS.set(PINS.get() + 1);
    PinGuard { prev }
}

/// Runs `f` in a scope on the current default buffer: the calling thread's
/// own [`SlabBuffer`] (1 MiB slabs, created on first use, freed when the
/// thread ends), or the buffer an enclosing [`with_buffer`] installed.
///
/// Every thread, so every rayon worker, has its own default buffer: nothing
/// is shared or locked. Scopes nest: a function that opens its own
/// `no_escape` may be called inside another. Called from a thread-local
/// destructor after the thread's buffer is gone, it runs `f` on a fresh
/// temporary buffer (the default for the duration of the call).
///
/// # Panics
/// If `f` panics (the buffer is restored first). An outer scope that
/// allocates while an inner scope on the same default buffer is open
/// panics with [`AllocError::InnerScopeOpen`]'s message.
///
/// ```
/// fn f(x: &[i64]) -> i64 {
///     bumper::no_escape(|s| {
///         let mut y = s.alloc::<i64, 1>([x.len()]);
///         for (yi, xi) in y.iter_mut().zip(x) {
///             *yi = xi + 1;
///         }
///         y.iter().sum()
///     })
/// }
/// assert_eq!(f(&[1, 2, 3]), 9);
/// assert_eq!(bumper::with_default_buffer(|b| b.used_bytes()), 0);
/// ```
///
/// ```compile_fail
/// let mut keep = None;
/// bumper::no_escape(|s| {
///     keep = Some(s.alloc::<f64, 1>([3])); // error: the array cannot outlive the scope
/// });
/// ```
#[inline]
pub fn no_escape<R>(f: impl for<'s> FnOnce(&mut Scope<'s>) -> R) -> R {
    let own = FAST.get();
    if own.is_null() {
        return no_escape_slow(f);
    }
    // SAFETY: FAST is non-null only while it points to this thread's own
    // buffer, which lives in the `OWN` thread-local until that is dropped,
    // and whose destructor resets FAST first.
    enter(unsafe { &*own }, f)
}

/// `no_escape` when the fast pointer is not set: first use on this thread,
/// inside `with_buffer` (and once after it), or during thread shutdown.
#[cold]
#[inline(never)]
fn no_escape_slow<R>(f: impl for<'s> FnOnce(&mut Scope<'s>) -> R) -> R {
    if let Some(p) = CURRENT.get() {
        // SAFETY: `CURRENT` is set only by `with_buffer`, from a reference
        // that outlives the `with_buffer` call, and reset (by its guard)
        // before that call returns.
        return enter(unsafe { p.as_ref() }, f);
    }
    match own_buffer() {
        Some(own) => {
            FAST.set(own); // the own buffer is the default: arm the fast path
                           // SAFETY: `own_buffer`'s pointer is valid for this call.
            enter(unsafe { &*own }, f)
        }
        // The thread is shutting down and its buffer is gone: a temporary
        // one, installed as the default so that nested calls share it.
        // (Inside `with_buffer`, `CURRENT` is set: no further recursion.)
        None => with_buffer(&SlabBuffer::<4096>::new(), || no_escape_slow(f)),
    }
}

/// Makes `buf` the default buffer of this thread while `f` runs: inside it,
/// [`no_escape`] and [`with_default_buffer`] use `buf`. Calls nest; the
/// previous default comes back when `f` returns or panics. Any buffer works,
/// also in a thread-local destructor at thread exit.
///
/// ```
/// use bumper::{AllocBuffer, Buffer};
///
/// let buf = AllocBuffer::with_capacity(1024);
/// bumper::with_buffer(&buf, || {
///     bumper::no_escape(|s| {
///         let _a = s.alloc::<u64, 1>([4]);
///         assert_eq!(buf.used_bytes(), 32); // it came from `buf`
///     });
/// });
/// assert_eq!(buf.used_bytes(), 0);
/// ```
pub fn with_buffer<B: Buffer + ?Sized, R>(buf: &B, f: impl FnOnce() -> R) -> R {
    let ptr: NonNull<dyn Buffer + '_> = NonNull::from(buf.as_dyn());
    // SAFETY: only the lifetime bound of the trait object changes. The
    // pointer is stored in the thread-local `CURRENT` until the guard below
    // drops, which happens before this function returns, while `buf` is
    // still borrowed; it is not dereferenced after that.
    let ptr: NonNull<dyn Buffer + 'static> = unsafe { mem::transmute(ptr) };
    let _pin = pin(Some(ptr));
    f()
}

/// What [`with_default_buffer`] hands out: the current default buffer,
/// allocating at the depth of the scopes that were open on it when the call
/// began (0 if none), so that its allocations succeed the same way whether
/// or not a scope is open underneath (a rayon worker may run the call inside
/// another job's scope).
struct DefaultBuffer<'b> {
    buf: &'b dyn Buffer,
    depth: usize,
}

impl Sealed for DefaultBuffer<'_> {
    fn bump(&self) -> &Bump {
        self.buf.bump()
    }
    fn as_dyn(&self) -> &dyn Buffer {
        self
    }
    fn base_depth(&self) -> usize {
        self.depth
    }
    fn stamp_of(&self, chunk: usize, custom: usize) -> u64 {
        self.buf.stamp_of(chunk, custom)
    }
    fn grow(&self, size: usize, align: usize) -> Result<NonNull<u8>, AllocError> {
        self.buf.grow(size, align)
    }
    unsafe fn restore_to(&self, cp: &Checkpoint) {
        // SAFETY: forwarded from the caller.
        unsafe { self.buf.restore_to(cp) }
    }
    unsafe fn restore_scope(&self, mark: ScopeMark) {
        // SAFETY: forwarded from the caller.
        unsafe { self.buf.restore_scope(mark) }
    }
    fn reserved(&self) -> (usize, usize, usize) {
        self.buf.reserved()
    }
}

impl Buffer for DefaultBuffer<'_> {}

/// Runs `f` with the current default buffer: the thread's own, or the one
/// an enclosing [`with_buffer`] installed.
///
/// What `f` gets allocates (with [`Buffer::try_alloc_ptr`], or as an
/// allocator-api2 `Allocator`) at the level of the innermost scope open on
/// the buffer when `with_default_buffer` was called: on the buffer itself
/// if none is open (memory lives until the buffer is reset), otherwise on
/// top of that scope (memory lives until that scope ends, which is after
/// this call returns). Either way a collection made inside `f` works the
/// same, also when a rayon worker runs `f` inside another job's scope.
/// A scope opened inside `f` refuses its allocations while it is open, as
/// for any outer scope.
///
/// Called from a thread-local destructor after the thread's buffer is gone,
/// `f` gets a fresh temporary buffer (the default for the duration of the
/// call).
///
/// ```
/// use bumper::Buffer;
///
/// let used = bumper::no_escape(|s| {
///     let _a = s.alloc::<u8, 1>([100]);
///     bumper::with_default_buffer(|b| b.used_bytes())
/// });
/// assert!(used >= 100);
/// ```
///
/// Collections on it (feature `allocator-api2`) work inside a scope as
/// outside; see the example on its `Allocator` impl for `&dyn Buffer`.
pub fn with_default_buffer<R>(f: impl FnOnce(&dyn Buffer) -> R) -> R {
    let _pin = pin(None);
    let buf: &dyn Buffer = match CURRENT.get() {
        // SAFETY: as in `no_escape_slow`: valid while its `with_buffer`
        // runs, which encloses this call.
        Some(p) => unsafe { p.as_ref() },
        None => match own_buffer() {
            // SAFETY: `own_buffer`'s pointer is valid for this call.
            Some(own) => unsafe { &*own },
            // The thread's buffer is gone (thread exit): a temporary one.
            None => {
                drop(_pin);
                return with_buffer(&SlabBuffer::<4096>::new(), || with_default_buffer(f));
            }
        },
    };
    f(&DefaultBuffer {
        buf,
        depth: buf.bump().depth.get(),
    })
}

/// What the current default buffer holds: this thread's own, or the one an
/// enclosing [`with_buffer`] installed. In a rayon job, that is the
/// worker's buffer (see `bumper::par::worker_buffer_stats` for all workers).
///
/// ```
/// bumper::no_escape(|s| {
///     let _a = s.alloc::<u8, 1>([1000]);
///     assert!(bumper::default_buffer_stats().used_bytes >= 1000);
/// });
/// let st = bumper::default_buffer_stats();
/// assert_eq!(st.open_scopes, 0);
/// assert!(st.high_water_bytes >= 1000);
/// ```
pub fn default_buffer_stats() -> BufferStats {
    with_default_buffer(|b| b.stats())
}

/// Resets this thread's own default buffer: frees everything in it and
/// keeps its first slab (and one spare) for reuse. After the thread's
/// buffer is gone (in a thread-local destructor at thread exit) there is
/// nothing to reset and it does nothing.
///
/// # Panics
/// If a scope on the thread's default buffer is open, or inside a
/// [`with_buffer`] or [`with_default_buffer`] call (either may hold a
/// reference to it).
///
/// ```
/// use bumper::Buffer;
///
/// bumper::no_escape(|s| { let _ = s.alloc::<u8, 1>([10]); });
/// bumper::reset_default_buffer();
/// assert_eq!(bumper::with_default_buffer(|b| b.used_bytes()), 0);
/// ```
///
/// ```should_panic
/// bumper::no_escape(|_s| bumper::reset_default_buffer()); // panics: a scope is open
/// ```
#[track_caller]
pub fn reset_default_buffer() {
    // SAFETY: `own_buffer`'s pointer is valid for this call.
    let own = own_buffer().map(|p| unsafe { &*p });
    let open = own.map_or(0, |b| b.bump().depth.get());
    assert!(
        open == 0,
        "reset_default_buffer: {open} scope(s) are open on this thread's default buffer"
    );
    let pins = PINS.get();
    assert!(
        pins == 0,
        "reset_default_buffer: called inside {pins} with_buffer / with_default_buffer call(s)"
    );
    if let Some(own) = own {
        // SAFETY: no scope is open on the buffer and no `with_buffer` /
        // `with_default_buffer` call is running, and those are the only ways
        // to reach it, so nothing allocated from it is in use (raw pointers
        // from `alloc_ptr` excepted, which carry no lifetime and are the
        // caller's responsibility). The empty state is a state of every
        // buffer.
        unsafe { own.restore_to(&Checkpoint::ZERO) }
    }
}

use crate::buffer::sealed::Sealed;

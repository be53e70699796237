//! The catalogue of bad inputs: one test per input, named after it. Each
//! gives the documented error or panic message (checked with the numbers
//! in it), and the buffer, scope or array involved still works afterwards.
//!
//! Some rows repeat checks of `tests/soundness.rs`, `tests/array_errors.rs`
//! and `tests/serde.rs`; here they are in one place, one row each.
//!
//! Not in this file because it does not compile: restoring or resetting a
//! buffer while a scope on it (or an array from it) is live
//! (`tests/compile_fail/restore_while_live.rs`, `reset_while_live.rs`),
//! allocating from an outer scope inside `Scope::no_escape`
//! (`outer_alloc_in_inner.rs`). Their run-time relatives are here:
//! `reset_default_buffer_inside_a_scope`, `outer_scope_alloc_during_an_inner_default_scope`.

mod common;

use bumper::array::{ShapeError, Slice};
use bumper::{AllocBuffer, AllocError, ArrayView, Buffer, SlabBuffer};
use common::{assert_buffer_usable, assert_default_buffer_usable, panic_message};

const OVERFLOW_MSG: &str = "allocation size overflows: element count times element size \
                            (plus alignment) exceeds isize::MAX";

// ---- sizes -------------------------------------------------------------------

#[test]
fn dims_usize_max_by_2() {
    let buf = SlabBuffer::<1024>::new();
    assert_eq!(
        buf.try_alloc::<u32, 2>([usize::MAX, 2]).unwrap_err(),
        AllocError::SizeOverflow
    );
    assert_eq!(
        panic_message(|| {
            buf.alloc::<u32, 2>([usize::MAX, 2]);
        }),
        OVERFLOW_MSG
    );
    buf.no_escape(|s| {
        assert_eq!(
            s.try_alloc::<u8, 3>([2, usize::MAX, 2]).unwrap_err(),
            AllocError::SizeOverflow
        );
        assert_eq!(common::exercise_scope(s), 138);
    });
    assert_eq!(buf.used_bytes(), 0);
    assert_buffer_usable(&buf);
}

#[test]
fn dims_whose_byte_size_exceeds_isize_max() {
    // The element count fits in usize, the bytes do not fit in isize.
    let buf = AllocBuffer::with_capacity(256);
    let n = isize::MAX as usize / 4 + 1;
    assert_eq!(
        buf.try_alloc::<u32, 1>([n]).unwrap_err(),
        AllocError::SizeOverflow
    );
    assert_eq!(
        buf.try_alloc::<u64, 1>([usize::MAX / 8 + 1]).unwrap_err(),
        AllocError::SizeOverflow
    );
    assert_eq!(
        panic_message(|| {
            buf.alloc_uninit::<u32, 1>([n]);
        }),
        OVERFLOW_MSG
    );
    assert_buffer_usable(&buf);
}

#[test]
fn zero_sized_elements_with_an_overflowing_count() {
    let buf = AllocBuffer::with_capacity(256);
    // The product overflows usize, even though no byte is needed.
    assert_eq!(
        buf.try_alloc::<(), 2>([usize::MAX, 2]).unwrap_err(),
        AllocError::SizeOverflow
    );
    // More elements than isize::MAX: strides could not address them.
    assert_eq!(
        buf.try_alloc::<(), 1>([usize::MAX]).unwrap_err(),
        AllocError::SizeOverflow
    );
    // isize::MAX of them is fine and takes no memory.
    let units = buf.alloc::<(), 1>([isize::MAX as usize]);
    assert_eq!(units.len(), isize::MAX as usize);
    assert_eq!(buf.used_bytes(), 0);
    assert_buffer_usable(&buf);
}

#[test]
fn usize_max_bytes_from_a_slab_buffer() {
    let buf = SlabBuffer::<1024>::new();
    let _keep = buf.alloc_filled([3], 5_u8);
    assert_eq!(
        buf.try_alloc_ptr(usize::MAX, 8),
        Err(AllocError::SizeOverflow)
    );
    assert_eq!(
        panic_message(|| {
            buf.alloc_ptr(usize::MAX, 1);
        }),
        OVERFLOW_MSG
    );
    let st = buf.stats();
    assert_eq!((st.used_bytes, st.custom_slabs, st.slabs), (3, 0, 1));
    assert_eq!(_keep.to_vec(), [5, 5, 5]);
    assert_buffer_usable(&buf);
}

#[test]
fn usize_max_bytes_from_an_alloc_buffer() {
    let buf = AllocBuffer::with_capacity(256);
    let _keep = buf.alloc_filled([10], 1_u8);
    assert_eq!(
        buf.try_alloc_ptr(usize::MAX, 1),
        Err(AllocError::OutOfCapacity {
            requested: usize::MAX,
            available: 246
        })
    );
    assert_eq!(
        panic_message(|| {
            buf.alloc_ptr(usize::MAX, 1);
        }),
        "buffer out of capacity: requested 18446744073709551615 bytes, 246 bytes available"
    );
    assert_eq!(buf.used_bytes(), 10);
    assert_buffer_usable(&buf);
}

#[test]
fn alloc_buffer_with_capacity_usize_max() {
    assert_eq!(
        AllocBuffer::try_with_capacity(usize::MAX).unwrap_err(),
        AllocError::SizeOverflow
    );
    assert_eq!(
        panic_message(|| {
            AllocBuffer::with_capacity(usize::MAX);
        }),
        format!("AllocBuffer::with_capacity(18446744073709551615): {OVERFLOW_MSG}")
    );
}

#[test]
fn zero_capacity_alloc_buffer() {
    let buf = AllocBuffer::with_capacity(0);
    assert_eq!(
        buf.try_alloc_ptr(1, 1),
        Err(AllocError::OutOfCapacity {
            requested: 1,
            available: 0
        })
    );
    // Zero bytes always work, at any alignment.
    let p = buf.try_alloc_ptr(0, 4096).unwrap();
    assert_eq!(p.as_ptr().addr() % 4096, 0);
    let empty = buf.alloc::<f64, 2>([0, 3]);
    assert_eq!((empty.len(), empty.shape()), (0, [0, 3]));
    assert_eq!(buf.used_bytes(), 0);
}

// ---- alignments --------------------------------------------------------------

#[test]
fn alignment_0() {
    let slab = SlabBuffer::<1024>::new();
    let fixed = AllocBuffer::with_capacity(256);
    let bufs: [&dyn Buffer; 2] = [&slab, &fixed];
    for buf in bufs {
        assert_eq!(buf.try_alloc_ptr(8, 0), Err(AllocError::BadAlign(0)));
        assert_eq!(buf.try_alloc_ptr(0, 0), Err(AllocError::BadAlign(0)));
        assert_eq!(
            panic_message(|| {
                buf.alloc_ptr(8, 0);
            }),
            "alignment 0 is not a power of two"
        );
        assert_eq!(buf.used_bytes(), 0);
    }
    slab.no_escape(|s| assert_eq!(s.try_alloc_ptr(8, 0), Err(AllocError::BadAlign(0))));
    assert_buffer_usable(&slab);
    assert_buffer_usable(&fixed);
}

#[test]
fn alignment_3() {
    let slab = SlabBuffer::<1024>::new();
    let fixed = AllocBuffer::with_capacity(256);
    let bufs: [&dyn Buffer; 2] = [&slab, &fixed];
    for buf in bufs {
        assert_eq!(buf.try_alloc_ptr(8, 3), Err(AllocError::BadAlign(3)));
        assert_eq!(
            panic_message(|| {
                buf.alloc_ptr(8, 3);
            }),
            "alignment 3 is not a power of two"
        );
        assert_eq!(buf.used_bytes(), 0);
    }
    fixed.no_escape(|s| assert_eq!(s.try_alloc_ptr(1, 3), Err(AllocError::BadAlign(3))));
    assert_buffer_usable(&slab);
    assert_buffer_usable(&fixed);
}

#[test]
fn alignment_2_pow_63() {
    // A power of two, but no memory block can have it.
    let align = 1usize << 63;
    let slab = SlabBuffer::<1024>::new();
    assert_eq!(slab.try_alloc_ptr(8, align), Err(AllocError::SizeOverflow));
    let fixed = AllocBuffer::with_capacity(256);
    assert_eq!(
        fixed.try_alloc_ptr(8, align),
        Err(AllocError::OutOfCapacity {
            requested: 8,
            available: 0
        })
    );
    assert_buffer_usable(&slab);
    assert_buffer_usable(&fixed);
}

// ---- checkpoints -------------------------------------------------------------

/// The two buffer numbers in a foreign-checkpoint message.
fn buffer_ids(msg: &str) -> (u64, u64) {
    let rest = msg
        .strip_prefix("restore: the checkpoint belongs to another buffer (checkpoint of buffer #")
        .unwrap_or_else(|| panic!("unexpected message: {msg}"));
    let (theirs, rest) = rest.split_once(", this is buffer #").expect(msg);
    let ours = rest.strip_suffix(')').expect(msg);
    (theirs.parse().expect(msg), ours.parse().expect(msg))
}

#[test]
fn foreign_checkpoint() {
    let mut a = SlabBuffer::<1024>::new();
    let b = SlabBuffer::<1024>::new();
    let _ = a.alloc_ptr(8, 2);
    let cp = b.checkpoint();
    let (theirs, ours) = buffer_ids(&panic_message(|| a.restore(cp)));
    assert_ne!(theirs, ours);
    // The same two numbers again: identities are stable.
    assert_eq!(buffer_ids(&panic_message(|| a.restore(cp))), (theirs, ours));
    assert_eq!(a.used_bytes(), 8, "nothing was restored");
    assert_buffer_usable(&a);

    // Across kinds of buffer.
    let mut fixed = AllocBuffer::with_capacity(256);
    let (t, o) = buffer_ids(&panic_message(|| fixed.restore(cp)));
    assert_eq!(t, theirs);
    assert!(o != t && o != ours);
    assert_buffer_usable(&fixed);
}

#[test]
fn checkpoint_newer_than_the_buffer() {
    let mut buf = AllocBuffer::with_capacity(256);
    let cp0 = buf.checkpoint();
    let _ = buf.alloc_ptr(100, 1);
    let cp100 = buf.checkpoint();
    buf.restore(cp0);
    let _ = buf.alloc_ptr(40, 1);
    assert_eq!(
        panic_message(|| buf.restore(cp100)),
        "restore: the checkpoint is newer than the buffer's present state (checkpoint at slab 0, \
         offset 100, 0 custom slabs; buffer at slab 0, offset 40, 0 custom slabs)"
    );
    assert_eq!(buf.used_bytes(), 40, "nothing was restored");
    assert_buffer_usable(&buf);
}

#[test]
fn checkpoint_taken_in_a_scope_that_ended() {
    let mut buf = SlabBuffer::<256>::new();
    let _ = buf.alloc_ptr(10, 1);
    let cp = buf.no_escape(|s| {
        let _ = s.alloc_ptr(200, 1);
        let _ = s.alloc_ptr(100, 1); // slab 1
        let _ = s.alloc_ptr(1000, 1); // a custom slab
        buf.checkpoint()
    });
    assert_eq!(
        panic_message(|| buf.restore(cp)),
        "restore: the checkpoint is newer than the buffer's present state (checkpoint at slab 1, \
         offset 100, 1 custom slabs; buffer at slab 0, offset 10, 0 custom slabs)"
    );
    assert_eq!(buf.used_bytes(), 10);
    assert_buffer_usable(&buf);
}

#[test]
fn checkpoint_from_before_a_reset() {
    let mut buf = SlabBuffer::<1024>::new();
    let _ = buf.alloc_ptr(24, 8);
    let cp = buf.checkpoint();
    buf.reset();
    assert_eq!(
        panic_message(|| buf.restore(cp)),
        "restore: the checkpoint is newer than the buffer's present state (checkpoint at slab 0, \
         offset 24, 0 custom slabs; buffer at slab 0, offset 0, 0 custom slabs)"
    );
    assert_eq!(buf.used_bytes(), 0);
    assert_buffer_usable(&buf);
}

/// A checkpoint taken before a restore went below it is stale, also once
/// the buffer has grown past its position again: its bookkeeping (bytes
/// used in earlier slabs) belongs to a history that is gone. Accepting it
/// once made `used_bytes` count the old contents of slab 0 (1100 here
/// instead of 1110); checkpoints now carry the stamp of the slow-path event
/// their state rests on.
#[test]
fn checkpoint_from_before_a_restore_below_it_after_regrowth() {
    let mut buf = SlabBuffer::<1024>::new();
    let cp0 = buf.checkpoint();
    let _ = buf.alloc_ptr(1000, 1);
    let _ = buf.alloc_ptr(100, 1); // slab 1, offset 100
    let stale = buf.checkpoint();
    buf.restore(cp0);
    let _ = buf.alloc_ptr(10, 1);
    let _ = buf.alloc_ptr(1000, 1); // slab 1 again
    let _ = buf.alloc_ptr(100, 1); // slab 2
    assert_eq!(buf.used_bytes(), 1110);
    let msg = panic_message(|| buf.restore(stale));
    assert_eq!(
        msg,
        "restore: the checkpoint is stale: a restore went below it since it was taken \
         (checkpoint at slab 1, offset 100, 0 custom slabs, event #1; that position now \
         rests on event #2)"
    );
    assert_eq!(buf.used_bytes(), 1110);
    assert_buffer_usable(&buf);
}

// ---- a full fixed buffer -------------------------------------------------------

#[test]
fn full_alloc_buffer() {
    let mut buf = AllocBuffer::with_capacity(256);
    let cp = buf.checkpoint();
    let kept = buf.alloc_filled([27], 3_u8); // 229 bytes left
    let _more = buf.alloc_filled([25], 4_u64); // at offset 32: 24 bytes left
    assert_eq!(buf.used_bytes(), 232);
    assert_eq!(
        buf.try_alloc_ptr(25, 1),
        Err(AllocError::OutOfCapacity {
            requested: 25,
            available: 24
        })
    );
    // Alignment padding counts against what is available.
    let _odd = buf.alloc_ptr(1, 1);
    assert_eq!(
        buf.try_alloc::<u64, 1>([3]).unwrap_err(),
        AllocError::OutOfCapacity {
            requested: 24,
            available: 16
        }
    );
    assert_eq!(
        panic_message(|| {
            buf.alloc::<u64, 1>([3]);
        }),
        "buffer out of capacity: requested 24 bytes, 16 bytes available"
    );
    // In a scope too, and the refusal changed nothing.
    buf.no_escape(|s| {
        assert_eq!(
            panic_message(|| {
                s.alloc_filled([24], 0_u8);
            }),
            "buffer out of capacity: requested 24 bytes, 23 bytes available"
        );
        let last = s.alloc_filled([23], 9_u8);
        assert_eq!(last.iter().map(|&x| x as u32).sum::<u32>(), 207);
    });
    assert_eq!(buf.used_bytes(), 233);
    assert_eq!(kept.to_vec(), [3; 27]);
    buf.restore(cp);
    assert_buffer_usable(&buf);
}

// ---- scopes ------------------------------------------------------------------

#[test]
fn outer_scope_alloc_during_an_inner_default_scope() {
    bumper::no_escape(|outer| {
        let a = outer.alloc_filled([4], 1.5_f64);
        let msg = panic_message(|| {
            bumper::no_escape(|_inner| {
                outer.alloc::<f64, 1>([4]);
            });
        });
        assert_eq!(
            msg,
            "cannot allocate from the scope at depth 1 while a nested scope at depth 2 is open \
             on the same buffer; allocate from the innermost scope instead"
        );
        let err = bumper::no_escape(|_inner| {
            bumper::no_escape(|_innermost| outer.try_alloc_ptr(8, 8).unwrap_err())
        });
        assert_eq!(
            err,
            AllocError::InnerScopeOpen {
                depth: 1,
                innermost: 3
            }
        );
        // The outer scope allocates again once the inner ones ended.
        let b = outer.alloc_filled([4], 2.5_f64);
        assert_eq!(a.iter().chain(b.iter()).sum::<f64>(), 16.0);
    });
    assert_default_buffer_usable();
}

#[test]
fn outer_scope_alloc_during_an_inner_scope_of_an_explicit_buffer() {
    let buf = AllocBuffer::with_capacity(512);
    buf.no_escape(|outer| {
        let err = bumper::with_buffer(&buf, || {
            bumper::no_escape(|inner| {
                assert_eq!(inner.depth(), 2);
                outer.try_alloc::<u8, 1>([1]).unwrap_err()
            })
        });
        assert_eq!(
            err,
            AllocError::InnerScopeOpen {
                depth: 1,
                innermost: 2
            }
        );
        assert_eq!(common::exercise_scope(outer), 138);
    });
    assert_buffer_usable(&buf);
}

#[test]
fn buffer_alloc_inside_its_own_scope() {
    let buf = SlabBuffer::<1024>::new();
    let before = buf.alloc_filled([2], 9_u16);
    buf.no_escape(|s| {
        assert_eq!(
            panic_message(|| {
                buf.alloc::<u16, 1>([2]);
            }),
            "cannot allocate directly from a buffer while a scope on it is open \
             (innermost scope depth 1); allocate from that scope instead"
        );
        s.no_escape(|_t| {
            assert_eq!(
                buf.try_alloc_ptr(8, 8),
                Err(AllocError::InnerScopeOpen {
                    depth: 0,
                    innermost: 2
                })
            );
        });
        assert_eq!(common::exercise_scope(s), 138);
    });
    assert_eq!(before.to_vec(), [9, 9]);
    let after = buf.alloc_filled([2], 3_u16);
    assert_eq!(after.to_vec(), [3, 3]);
    assert_buffer_usable(&buf);
}

#[test]
fn reset_default_buffer_inside_a_scope() {
    // The run-time relative of restoring a buffer while a scope is open
    // (a compile error for explicit buffers).
    bumper::no_escape(|s| {
        let a = s.alloc_filled([3], 7_i32);
        assert_eq!(
            panic_message(bumper::reset_default_buffer),
            "reset_default_buffer: 1 scope(s) are open on this thread's default buffer"
        );
        assert_eq!(a.to_vec(), [7; 3], "nothing was freed");
    });
    assert_default_buffer_usable();
}

#[test]
fn reset_default_buffer_inside_with_buffer() {
    let buf = AllocBuffer::with_capacity(256);
    assert_eq!(
        panic_message(|| bumper::with_buffer(&buf, bumper::reset_default_buffer)),
        "reset_default_buffer: called inside 1 with_buffer / with_default_buffer call(s)"
    );
    assert_buffer_usable(&buf);
    assert_default_buffer_usable();
}

#[test]
fn alloc_from_slice_with_the_wrong_length() {
    bumper::no_escape(|s| {
        assert_eq!(
            panic_message(|| {
                s.alloc_from_slice([2, 3], &[1, 2, 3, 4, 5]);
            }),
            "alloc_from_slice: shape [2, 3] holds 6 elements but the slice has 5"
        );
        assert_eq!(
            panic_message(|| {
                s.alloc_from_slice([usize::MAX, 2], &[1, 2, 3]);
            }),
            "alloc_from_slice: shape [18446744073709551615, 2] holds more than usize::MAX \
             elements but the slice has 3"
        );
        assert_eq!(common::exercise_scope(s), 138);
    });
    assert_default_buffer_usable();
}

// ---- arrays ------------------------------------------------------------------

#[test]
fn incompatible_broadcast() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
        let err = a.broadcast_to([2, 2, 4]).unwrap_err();
        assert_eq!(
            err,
            ShapeError::Incompatible {
                left: vec![2, 2, 4],
                right: vec![2, 3]
            }
        );
        assert_eq!(
            err.to_string(),
            "shapes [2, 2, 4] and [2, 3] are not compatible: each axis must be equal or 1 in \
             the right-hand shape"
        );
        let err = a.broadcast_to([6]).unwrap_err();
        assert_eq!(err, ShapeError::RankTooLow { from: 2, to: 1 });
        assert_eq!(
            err.to_string(),
            "cannot broadcast a rank-2 array to rank 1: broadcasting only adds axes"
        );
        // The operators panic with the same message; the left side is unchanged.
        let mut b = s.alloc_filled([3, 2], 1_usize);
        assert_eq!(
            panic_message(|| b += &a),
            "shapes [3, 2] and [2, 3] are not compatible: each axis must be equal or 1 in \
             the right-hand shape"
        );
        assert_eq!(b.to_vec(), [1; 6]);
        // A compatible one works.
        let ok = a.broadcast_to([2, 2, 3]).unwrap();
        assert_eq!(ok.to_vec(), [0, 1, 2, 10, 11, 12, 0, 1, 2, 10, 11, 12]);
    });
}

#[test]
fn reshape_to_a_different_length() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
        let err = a.reshape([4, 2]).unwrap_err();
        assert_eq!(
            err,
            ShapeError::LengthMismatch {
                dims: vec![4, 2],
                expected: 8,
                actual: 6
            }
        );
        assert_eq!(
            err.to_string(),
            "shape [4, 2] holds 8 elements but 6 were given"
        );
        assert_eq!(a.reshape([3, 2]).unwrap().to_vec(), a.to_vec());
    });
}

#[test]
fn reshape_of_a_non_contiguous_view() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
        let err = a.t().reshape([6]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "an array of shape [3, 2] with strides [1, 3] is not contiguous in row-major order; \
             copy it first"
        );
        let err = a.slice_axis(1, 0..2).reshape([4]).unwrap_err();
        assert_eq!(
            err,
            ShapeError::NotContiguous {
                shape: vec![2, 2],
                strides: vec![3, 1]
            }
        );
        assert_eq!(a.to_vec(), [0, 1, 2, 10, 11, 12]);
    });
}

#[test]
fn index_out_of_bounds() {
    bumper::no_escape(|s| {
        let mut a = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
        assert_eq!(
            panic_message(|| {
                let _ = a[[2, 0]];
            }),
            "index [2, 0] is out of bounds for an array of shape [2, 3]"
        );
        assert_eq!(
            panic_message(|| a[[0, 3]] = 99),
            "index [0, 3] is out of bounds for an array of shape [2, 3]"
        );
        assert_eq!(
            panic_message(|| {
                let _ = a.t()[[0, 2]];
            }),
            "index [0, 2] is out of bounds for an array of shape [3, 2]"
        );
        assert_eq!(a.get([usize::MAX, 0]), None);
        assert_eq!(a.get_mut([1, 3]), None);
        assert_eq!(a.to_vec(), [0, 1, 2, 10, 11, 12]);
    });
}

#[test]
fn slice_out_of_bounds() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
        assert_eq!(
            panic_message(|| {
                a.slice_axis(1, 2..5);
            }),
            "slice 2..5 is out of bounds for axis 1 of length 3"
        );
        assert_eq!(
            panic_message(|| {
                a.slice([Slice::from(3..), Slice::from(..)]);
            }),
            "slice 3.. is out of bounds for axis 0 of length 2"
        );
        assert_eq!(a.slice_axis(1, 1..3).to_vec(), [1, 2, 11, 12]);
    });
}

#[test]
fn slice_with_step_0() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
        assert_eq!(
            panic_message(|| {
                a.slice_axis_step(0, .., 0);
            }),
            "Slice::step_by: the step must not be 0"
        );
        assert_eq!(a.slice_axis_step(1, .., -2).to_vec(), [2, 0, 12, 10]);
    });
}

#[test]
fn axis_beyond_the_rank() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
        assert_eq!(
            panic_message(|| {
                a.slice_axis(2, ..);
            }),
            "slice_axis: axis 2 is out of bounds for a rank-2 array"
        );
        assert_eq!(
            panic_message(|| {
                a.sum_axis::<1>(2, s);
            }),
            "sum_axis: axis 2 is out of bounds for a rank-2 array"
        );
        assert_eq!(a.sum_axis::<1>(1, s).to_vec(), [3, 33]);
    });
}

#[test]
fn index_axis_out_of_bounds() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
        assert_eq!(
            panic_message(|| {
                a.index_axis::<1>(0, 2);
            }),
            "index_axis: index 2 is out of bounds for axis 0 of length 2"
        );
        assert_eq!(a.index_axis::<1>(0, 1).to_vec(), [10, 11, 12]);
    });
}

#[test]
fn permutation_with_a_repeated_axis() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
        assert_eq!(
            panic_message(|| {
                a.permuted_axes([1, 1]);
            }),
            "permuted_axes: [1, 1] is not a permutation of the 2 axes"
        );
        assert_eq!(a.permuted_axes([1, 0]).to_vec(), [0, 10, 1, 11, 2, 12]);
    });
}

#[test]
fn split_beyond_the_axis() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([2, 3], |[i, j]| 10 * i + j);
        assert_eq!(
            panic_message(|| {
                a.view().split_at(1, 4);
            }),
            "split_at: index 4 is out of bounds for axis 1 of length 3"
        );
        let (l, r) = a.view().split_at(1, 3);
        assert_eq!((l.shape(), r.shape()), ([2, 3], [2, 0]));
    });
}

#[test]
fn dot_of_different_shapes() {
    bumper::no_escape(|s| {
        let a = s.alloc_with([2, 3], |[i, j]| (10 * i + j) as i64);
        let b = s.alloc_filled([3, 2], 1_i64);
        let err = a.try_dot(&b).unwrap_err();
        assert_eq!(
            err,
            ShapeError::ShapeMismatch {
                left: vec![2, 3],
                right: vec![3, 2]
            }
        );
        assert_eq!(
            panic_message(|| {
                a.dot(&b);
            }),
            "dot: shapes [2, 3] and [3, 2] differ; the operation needs arrays of the same shape"
        );
        assert_eq!(a.dot(b.t()), 36);
    });
}

#[test]
fn from_slice_with_the_wrong_length() {
    let data = [1, 2, 3];
    let err = ArrayView::from_slice([2, 2], &data).unwrap_err();
    assert_eq!(
        err,
        ShapeError::LengthMismatch {
            dims: vec![2, 2],
            expected: 4,
            actual: 3
        }
    );
    assert_eq!(
        err.to_string(),
        "shape [2, 2] holds 4 elements but 3 were given"
    );
    assert_eq!(ArrayView::from_slice([3], &data).unwrap().sum(), 6);
}

// ---- serde -------------------------------------------------------------------

#[cfg(feature = "serde")]
mod serde_input {
    use super::*;
    use common::from_json;

    /// The full error message for `json` (serde_json's position included),
    /// checking that the scope still works and gets its memory back.
    fn error_of<T, const N: usize>(json: &str) -> String
    where
        T: Copy + serde::de::DeserializeOwned + 'static,
    {
        let buf = AllocBuffer::with_capacity(1024);
        let msg = buf.no_escape(|s| {
            let msg = from_json::<T, N>(s, json)
                .err()
                .expect("the input is refused")
                .to_string();
            assert_eq!(common::exercise_scope(s), 138);
            let good = from_json::<u8, 1>(s, r#"{"v":1,"dim":[3],"data":[1,2,3]}"#).unwrap();
            assert_eq!(good.to_vec(), [1, 2, 3]);
            msg
        });
        assert_eq!(buf.used_bytes(), 0);
        msg
    }

    #[test]
    fn json_with_version_2() {
        assert_eq!(
            error_of::<i32, 1>(r#"{"v":2,"dim":[1],"data":[1]}"#),
            "unknown array format version 2 (expected 1) at line 1 column 6"
        );
    }

    #[test]
    fn json_with_the_wrong_rank() {
        assert_eq!(
            error_of::<i32, 2>(r#"{"v":1,"dim":[4],"data":[1,2,3,4]}"#),
            "invalid length 1, expected a `dim` of 2 axis lengths (the array's rank) \
             at line 1 column 16"
        );
    }

    #[test]
    fn json_whose_dim_and_data_disagree() {
        assert_eq!(
            error_of::<i32, 2>(r#"{"v":1,"dim":[2,3],"data":[1,2,3,4,5]}"#),
            "shape [2, 3] holds 6 elements but 5 were given at line 1 column 37"
        );
        assert_eq!(
            error_of::<i32, 2>(r#"{"data":[1,2,3,4,5,6,7],"v":1,"dim":[2,3]}"#),
            "shape [2, 3] holds 6 elements but 7 were given at line 1 column 42"
        );
    }

    #[test]
    fn json_with_overflowing_dims() {
        let max = usize::MAX;
        assert_eq!(
            error_of::<u8, 2>(&format!(r#"{{"v":1,"dim":[{max},{max}],"data":[1]}}"#)),
            format!(
                "cannot allocate an array of shape [{max}, {max}] in the scope: {OVERFLOW_MSG} \
                 at line 1 column 65"
            )
        );
    }

    #[test]
    fn json_too_large_for_the_buffer() {
        // 1024 bytes of capacity: 200 u64 are 1600 bytes.
        let data = vec!["7"; 200].join(",");
        assert_eq!(
            error_of::<u64, 1>(&format!(r#"{{"v":1,"dim":[200],"data":[{data}]}}"#)),
            "cannot allocate an array of shape [200] in the scope: buffer out of capacity: \
             requested 1600 bytes, 1024 bytes available at line 1 column 27"
        );
    }

    #[test]
    fn json_with_a_syntax_error() {
        assert_eq!(
            error_of::<i32, 1>(r#"{"v":1,"dim":[2],"data":[1,2}"#),
            "expected `,` or `]` at line 1 column 29"
        );
    }

    #[test]
    fn json_cut_short() {
        assert_eq!(
            error_of::<i32, 1>(r#"{"v":1,"dim":[2],"data":[1,"#),
            "EOF while parsing a value at line 1 column 27"
        );
    }

    #[test]
    fn json_missing_the_data() {
        assert_eq!(
            error_of::<i32, 1>(r#"{"v":1,"dim":[1]}"#),
            "missing field `data` at line 1 column 17"
        );
    }

    #[test]
    fn json_with_a_string_element() {
        assert_eq!(
            error_of::<i32, 1>(r#"{"v":1,"dim":[2],"data":[1,"x"]}"#),
            "invalid type: string \"x\", expected i32 at line 1 column 30"
        );
    }

    #[test]
    fn json_with_a_negative_dim() {
        assert_eq!(
            error_of::<i32, 1>(r#"{"v":1,"dim":[-2],"data":[]}"#),
            "invalid value: integer `-2`, expected usize at line 1 column 16"
        );
    }

    #[test]
    fn json_that_is_not_an_array() {
        assert_eq!(
            error_of::<i32, 1>("5"),
            "invalid type: integer `5`, expected a rank-1 array in ndarray's format: \
             {\"v\": 1, \"dim\": [1 lengths], \"data\": [elements]} or [v, dim, data] \
             at line 1 column 1"
        );
    }
}

/// The same for a custom slab made again after a restore below it: the
/// count of custom slabs matches, the slabs (and the bytes they count) do
/// not.
#[test]
fn checkpoint_from_before_a_restore_below_it_with_a_new_custom_slab() {
    let mut buf = SlabBuffer::<1024>::new();
    let _ = buf.alloc_ptr(10, 1);
    let cp = buf.checkpoint();
    let _ = buf.alloc_ptr(5000, 1); // custom slab 1
    let stale = buf.checkpoint();
    buf.restore(cp);
    let _ = buf.alloc_ptr(3000, 1); // another custom slab
    assert_eq!(buf.used_bytes(), 3010);
    let msg = panic_message(|| buf.restore(stale));
    assert!(
        msg.starts_with("restore: the checkpoint is stale: a restore went below it"),
        "{msg}"
    );
    assert_eq!(buf.used_bytes(), 3010);
    // A checkpoint of the present history still works, and so does the
    // empty one.
    let now = buf.checkpoint();
    let _ = buf.alloc_ptr(100, 1);
    buf.restore(now);
    assert_eq!(buf.used_bytes(), 3010);
    assert_buffer_usable(&buf);
}

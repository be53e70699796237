//! Fuzzes the buffers with the operation sequences of `tests/buffer_model.rs`:
//! the first byte picks the buffer, the rest decode (4 bytes per operation)
//! into a tree of allocations, nested scopes, checkpoints, restores and
//! resets, run beside the model that checks every address, `used_bytes`,
//! `stats()`, alignment, overlap and fill pattern after every step.
#![no_main]

use std::mem::MaybeUninit;

use bumper::{AllocBuffer, SlabBuffer};
use libfuzzer_sys::fuzz_target;

#[path = "../../tests/buffer_model.rs"]
mod buffer_model;

use buffer_model::{decode, run, run_top, Model, Op};

/// Deepest scope nesting decoded.
const MAX_DEPTH: usize = 8;

fuzz_target!(|data: &[u8]| {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    match which % 6 {
        0 => {
            let ops = decode(rest, 256, MAX_DEPTH);
            run(&mut SlabBuffer::<256>::new(), &mut Model::slab(256), &ops);
        }
        1 => {
            let ops = decode(rest, 1024, MAX_DEPTH);
            run(&mut SlabBuffer::<1024>::new(), &mut Model::slab(1024), &ops);
        }
        2 => {
            // A buffer that has had a slab: scopes start inside slab 0.
            let ops = decode(rest, 256, MAX_DEPTH);
            let mut buf = SlabBuffer::<256>::new();
            let mut m = Model::slab(256);
            run_top(
                &mut buf,
                &mut m,
                &[Op::Alloc { size: 1, align: 1 }, Op::Reset],
            );
            run(&mut buf, &mut m, &ops);
        }
        3 => {
            // Slabs of 64 bytes: most requests need a new or a custom slab.
            let ops = decode(rest, 64, MAX_DEPTH);
            run(&mut SlabBuffer::<64>::new(), &mut Model::slab(64), &ops);
        }
        4 => {
            let ops = decode(rest, 4096, MAX_DEPTH);
            let mut buf = AllocBuffer::with_capacity(4096);
            let mut m = Model::fixed(buf.base_ptr(), 4096);
            run(&mut buf, &mut m, &ops);
        }
        _ => {
            // Lent memory at an odd address.
            let skew = 1 + (which as usize / 6) % 63;
            let ops = decode(rest, 1000, MAX_DEPTH);
            let mut mem = vec![MaybeUninit::<u8>::uninit(); 1000 + skew];
            let mut buf = AllocBuffer::from_slice(&mut mem[skew..]);
            let mut m = Model::fixed(buf.base_ptr(), 1000);
            run(&mut buf, &mut m, &ops);
        }
    }
});

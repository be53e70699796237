//! `allocator_api2::alloc::Allocator` for `&Scope` (feature `allocator-api2`).

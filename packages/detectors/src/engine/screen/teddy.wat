;; The SIMD pass of the factor finder (find.ts): a Teddy-style candidate scan. Each factor is represented by a
;; window of up to 3 consecutive bytes; for window position k a byte b may belong to bucket i when bit i is set
;; in both lo_k[b & 15] and hi_k[b >> 4]. Sixteen window starts are tried at once with i8x16.swizzle, and every
;; start where some bucket has all three positions met is written out as a candidate for find.ts to verify.
;;
;; Memory (imported so that JS can grow it for a larger text):
;;   0..95     tables of buckets 0-7: lo_0 hi_0 lo_1 hi_1 lo_2 hi_2, 16 bytes each
;;   96..191   the same for buckets 8-15 (read by scan16 only)
;;   192..223  scratch: the two lane masks of the block being written out
;;   224       the address after the last candidate written, set when a scan returns
;;   candidates: 8 bytes each, the window start's address (i32) and its bucket mask (i32)
;;
;; A scan reads up to 18 bytes past `end`; find.ts keeps that much room after the text. It returns the address
;; it stopped at: `end` or more when done, less when the candidate area had no room for another block's 16
;; candidates (find.ts then verifies those and calls again from there, so none is dropped).
(module
  (import "env" "memory" (memory 1))

  (func (export "scan8") (param $p i32) (param $end i32) (param $out i32) (param $outEnd i32) (result i32)
    (local $nib v128) (local $v v128) (local $m v128)
    (local $lo0 v128) (local $hi0 v128) (local $lo1 v128) (local $hi1 v128) (local $lo2 v128) (local $hi2 v128)
    (local $bits i32) (local $lane i32)
    (local.set $nib (i8x16.splat (i32.const 15)))
    (local.set $lo0 (v128.load (i32.const 0)))
    (local.set $hi0 (v128.load (i32.const 16)))
    (local.set $lo1 (v128.load (i32.const 32)))
    (local.set $hi1 (v128.load (i32.const 48)))
    (local.set $lo2 (v128.load (i32.const 64)))
    (local.set $hi2 (v128.load (i32.const 80)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v (v128.load (local.get $p)))
        (local.set $m (v128.and
          (i8x16.swizzle (local.get $lo0) (v128.and (local.get $v) (local.get $nib)))
          (i8x16.swizzle (local.get $hi0) (i8x16.shr_u (local.get $v) (i32.const 4)))))
        (local.set $v (v128.load offset=1 (local.get $p)))
        (local.set $m (v128.and (local.get $m) (v128.and
          (i8x16.swizzle (local.get $lo1) (v128.and (local.get $v) (local.get $nib)))
          (i8x16.swizzle (local.get $hi1) (i8x16.shr_u (local.get $v) (i32.const 4))))))
        (local.set $v (v128.load offset=2 (local.get $p)))
        (local.set $m (v128.and (local.get $m) (v128.and
          (i8x16.swizzle (local.get $lo2) (v128.and (local.get $v) (local.get $nib)))
          (i8x16.swizzle (local.get $hi2) (i8x16.shr_u (local.get $v) (i32.const 4))))))
        (if (v128.any_true (local.get $m))
          (then
            ;; Lanes holding a nonzero mask; in the last block only those before `end`.
            (local.set $bits (i32.xor (i8x16.bitmask (i8x16.eq (local.get $m) (v128.const i32x4 0 0 0 0))) (i32.const 0xffff)))
            (if (i32.lt_u (i32.sub (local.get $end) (local.get $p)) (i32.const 16))
              (then (local.set $bits (i32.and (local.get $bits)
                (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $end) (local.get $p))) (i32.const 1))))))
            (if (local.get $bits)
              (then
                (if (i32.gt_u (i32.add (local.get $out) (i32.const 128)) (local.get $outEnd))
                  (then
                    (i32.store (i32.const 224) (local.get $out))
                    (return (local.get $p))))
                (v128.store (i32.const 192) (local.get $m))
                (loop $lanes
                  (local.set $lane (i32.ctz (local.get $bits)))
                  (i32.store (local.get $out) (i32.add (local.get $p) (local.get $lane)))
                  (i32.store offset=4 (local.get $out) (i32.load8_u offset=192 (local.get $lane)))
                  (local.set $out (i32.add (local.get $out) (i32.const 8)))
                  (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
                  (br_if $lanes (local.get $bits)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next)))
    (i32.store (i32.const 224) (local.get $out))
    (local.get $p))

  (func (export "scan16") (param $p i32) (param $end i32) (param $out i32) (param $outEnd i32) (result i32)
    (local $nib v128) (local $l v128) (local $h v128) (local $ma v128) (local $mb v128)
    (local $lo0 v128) (local $hi0 v128) (local $lo1 v128) (local $hi1 v128) (local $lo2 v128) (local $hi2 v128)
    (local $lo0b v128) (local $hi0b v128) (local $lo1b v128) (local $hi1b v128) (local $lo2b v128) (local $hi2b v128)
    (local $bits i32) (local $lane i32)
    (local.set $nib (i8x16.splat (i32.const 15)))
    (local.set $lo0 (v128.load (i32.const 0)))
    (local.set $hi0 (v128.load (i32.const 16)))
    (local.set $lo1 (v128.load (i32.const 32)))
    (local.set $hi1 (v128.load (i32.const 48)))
    (local.set $lo2 (v128.load (i32.const 64)))
    (local.set $hi2 (v128.load (i32.const 80)))
    (local.set $lo0b (v128.load (i32.const 96)))
    (local.set $hi0b (v128.load (i32.const 112)))
    (local.set $lo1b (v128.load (i32.const 128)))
    (local.set $hi1b (v128.load (i32.const 144)))
    (local.set $lo2b (v128.load (i32.const 160)))
    (local.set $hi2b (v128.load (i32.const 176)))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $l (v128.load (local.get $p)))
        (local.set $h (i8x16.shr_u (local.get $l) (i32.const 4)))
        (local.set $l (v128.and (local.get $l) (local.get $nib)))
        (local.set $ma (v128.and (i8x16.swizzle (local.get $lo0) (local.get $l)) (i8x16.swizzle (local.get $hi0) (local.get $h))))
        (local.set $mb (v128.and (i8x16.swizzle (local.get $lo0b) (local.get $l)) (i8x16.swizzle (local.get $hi0b) (local.get $h))))
        (local.set $l (v128.load offset=1 (local.get $p)))
        (local.set $h (i8x16.shr_u (local.get $l) (i32.const 4)))
        (local.set $l (v128.and (local.get $l) (local.get $nib)))
        (local.set $ma (v128.and (local.get $ma) (v128.and (i8x16.swizzle (local.get $lo1) (local.get $l)) (i8x16.swizzle (local.get $hi1) (local.get $h)))))
        (local.set $mb (v128.and (local.get $mb) (v128.and (i8x16.swizzle (local.get $lo1b) (local.get $l)) (i8x16.swizzle (local.get $hi1b) (local.get $h)))))
        (local.set $l (v128.load offset=2 (local.get $p)))
        (local.set $h (i8x16.shr_u (local.get $l) (i32.const 4)))
        (local.set $l (v128.and (local.get $l) (local.get $nib)))
        (local.set $ma (v128.and (local.get $ma) (v128.and (i8x16.swizzle (local.get $lo2) (local.get $l)) (i8x16.swizzle (local.get $hi2) (local.get $h)))))
        (local.set $mb (v128.and (local.get $mb) (v128.and (i8x16.swizzle (local.get $lo2b) (local.get $l)) (i8x16.swizzle (local.get $hi2b) (local.get $h)))))
        (if (v128.any_true (v128.or (local.get $ma) (local.get $mb)))
          (then
            (local.set $bits (i32.xor
              (i8x16.bitmask (i8x16.eq (v128.or (local.get $ma) (local.get $mb)) (v128.const i32x4 0 0 0 0)))
              (i32.const 0xffff)))
            (if (i32.lt_u (i32.sub (local.get $end) (local.get $p)) (i32.const 16))
              (then (local.set $bits (i32.and (local.get $bits)
                (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $end) (local.get $p))) (i32.const 1))))))
            (if (local.get $bits)
              (then
                (if (i32.gt_u (i32.add (local.get $out) (i32.const 128)) (local.get $outEnd))
                  (then
                    (i32.store (i32.const 224) (local.get $out))
                    (return (local.get $p))))
                (v128.store (i32.const 192) (local.get $ma))
                (v128.store (i32.const 208) (local.get $mb))
                (loop $lanes
                  (local.set $lane (i32.ctz (local.get $bits)))
                  (i32.store (local.get $out) (i32.add (local.get $p) (local.get $lane)))
                  (i32.store offset=4 (local.get $out) (i32.or
                    (i32.load8_u offset=192 (local.get $lane))
                    (i32.shl (i32.load8_u offset=208 (local.get $lane)) (i32.const 8))))
                  (local.set $out (i32.add (local.get $out) (i32.const 8)))
                  (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
                  (br_if $lanes (local.get $bits)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next)))
    (i32.store (i32.const 224) (local.get $out))
    (local.get $p)))

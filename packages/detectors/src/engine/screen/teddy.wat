;; The SIMD pass of the factor finder (find.ts): a Teddy-style candidate scan. Each factor is represented by a
;; window of up to 3 consecutive bytes, each factor is in one of up to 32 buckets, and for window position k a
;; byte b passes for bucket i when bit i is set both in the 32-entry table of its low 5 bits and in the
;; 16-entry table of its high nibble. Low 5 bits rather than a low nibble: a case-folded letter then has one
;; entry of its own (nibble tables pass every pairing of the nibbles a bucket's letters have, most letters).
;; A 32-entry lookup is two i8x16.swizzle, as a swizzle gives 0 for an index of 16 or more. Sixteen window
;; starts are tried at once, and every start where some bucket passes at all three positions is written out
;; as a candidate for find.ts to verify.
;;
;; Memory (imported so that JS can grow it for a larger text):
;;   0..575    `sets` table sets of 8 buckets, 144 bytes each: per window position, the low-5-bits table (32
;;             bytes) then the high-nibble table (16)
;;   576..639  scratch: the lane masks of each set for the block being written out
;;   640       the address after the last candidate written, set when a scan returns
;;   candidates: 8 bytes each, the window start's address (i32) and its bucket mask (i32)
;;
;; A scan reads up to 18 bytes past `end`; find.ts keeps that much room after the text. It returns the address
;; it stopped at: `end` or more when done, less when the candidate area had no room for another block's 16
;; candidates (find.ts then verifies those and calls again from there, so none is dropped).
(module
  (import "env" "memory" (memory 1))

  (func (export "scan") (param $p i32) (param $end i32) (param $out i32) (param $outEnd i32) (param $sets i32) (result i32)
    (local $v v128) (local $m v128) (local $any v128) (local $low5 v128) (local $sixteen v128)
    (local $a0 v128) (local $b0 v128) (local $h0 v128)
    (local $a1 v128) (local $b1 v128) (local $h1 v128)
    (local $a2 v128) (local $b2 v128) (local $h2 v128)
    (local $t i32) (local $tEnd i32) (local $s i32) (local $bits i32) (local $lane i32)
    (local.set $low5 (i8x16.splat (i32.const 31)))
    (local.set $sixteen (i8x16.splat (i32.const 16)))
    (local.set $tEnd (i32.mul (local.get $sets) (i32.const 144)))
    ;; The masks of sets not scanned stay 0.
    (v128.store (i32.const 576) (v128.const i32x4 0 0 0 0))
    (v128.store (i32.const 592) (v128.const i32x4 0 0 0 0))
    (v128.store (i32.const 608) (v128.const i32x4 0 0 0 0))
    (v128.store (i32.const 624) (v128.const i32x4 0 0 0 0))
    (block $done
      (loop $next
        (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
        (local.set $v (v128.load (local.get $p)))
        (local.set $a0 (v128.and (local.get $v) (local.get $low5)))
        (local.set $b0 (i8x16.sub (local.get $a0) (local.get $sixteen)))
        (local.set $h0 (i8x16.shr_u (local.get $v) (i32.const 4)))
        (local.set $v (v128.load offset=1 (local.get $p)))
        (local.set $a1 (v128.and (local.get $v) (local.get $low5)))
        (local.set $b1 (i8x16.sub (local.get $a1) (local.get $sixteen)))
        (local.set $h1 (i8x16.shr_u (local.get $v) (i32.const 4)))
        (local.set $v (v128.load offset=2 (local.get $p)))
        (local.set $a2 (v128.and (local.get $v) (local.get $low5)))
        (local.set $b2 (i8x16.sub (local.get $a2) (local.get $sixteen)))
        (local.set $h2 (i8x16.shr_u (local.get $v) (i32.const 4)))
        (local.set $any (v128.const i32x4 0 0 0 0))
        (local.set $t (i32.const 0))
        (local.set $s (i32.const 576))
        (loop $set
          (local.set $m (v128.and
            (v128.or (i8x16.swizzle (v128.load offset=0 (local.get $t)) (local.get $a0))
                     (i8x16.swizzle (v128.load offset=16 (local.get $t)) (local.get $b0)))
            (i8x16.swizzle (v128.load offset=32 (local.get $t)) (local.get $h0))))
          (local.set $m (v128.and (local.get $m) (v128.and
            (v128.or (i8x16.swizzle (v128.load offset=48 (local.get $t)) (local.get $a1))
                     (i8x16.swizzle (v128.load offset=64 (local.get $t)) (local.get $b1)))
            (i8x16.swizzle (v128.load offset=80 (local.get $t)) (local.get $h1)))))
          (local.set $m (v128.and (local.get $m) (v128.and
            (v128.or (i8x16.swizzle (v128.load offset=96 (local.get $t)) (local.get $a2))
                     (i8x16.swizzle (v128.load offset=112 (local.get $t)) (local.get $b2)))
            (i8x16.swizzle (v128.load offset=128 (local.get $t)) (local.get $h2)))))
          (v128.store (local.get $s) (local.get $m))
          (local.set $any (v128.or (local.get $any) (local.get $m)))
          (local.set $s (i32.add (local.get $s) (i32.const 16)))
          (local.set $t (i32.add (local.get $t) (i32.const 144)))
          (br_if $set (i32.lt_u (local.get $t) (local.get $tEnd))))
        (if (v128.any_true (local.get $any))
          (then
            ;; Lanes holding a nonzero mask; in the last block only those before `end`.
            (local.set $bits (i32.xor (i8x16.bitmask (i8x16.eq (local.get $any) (v128.const i32x4 0 0 0 0))) (i32.const 0xffff)))
            (if (i32.lt_u (i32.sub (local.get $end) (local.get $p)) (i32.const 16))
              (then (local.set $bits (i32.and (local.get $bits)
                (i32.sub (i32.shl (i32.const 1) (i32.sub (local.get $end) (local.get $p))) (i32.const 1))))))
            (if (local.get $bits)
              (then
                (if (i32.gt_u (i32.add (local.get $out) (i32.const 128)) (local.get $outEnd))
                  (then
                    (i32.store (i32.const 640) (local.get $out))
                    (return (local.get $p))))
                (loop $lanes
                  (local.set $lane (i32.ctz (local.get $bits)))
                  (i32.store (local.get $out) (i32.add (local.get $p) (local.get $lane)))
                  (i32.store offset=4 (local.get $out) (i32.or
                    (i32.or (i32.load8_u offset=576 (local.get $lane))
                            (i32.shl (i32.load8_u offset=592 (local.get $lane)) (i32.const 8)))
                    (i32.or (i32.shl (i32.load8_u offset=608 (local.get $lane)) (i32.const 16))
                            (i32.shl (i32.load8_u offset=624 (local.get $lane)) (i32.const 24)))))
                  (local.set $out (i32.add (local.get $out) (i32.const 8)))
                  (local.set $bits (i32.and (local.get $bits) (i32.sub (local.get $bits) (i32.const 1))))
                  (br_if $lanes (local.get $bits)))))))
        (local.set $p (i32.add (local.get $p) (i32.const 16)))
        (br $next)))
    (i32.store (i32.const 640) (local.get $out))
    (local.get $p)))

/*
 * limits.h - every size cap flamekit enforces, in one place.
 *
 * Inputs can come from untrusted servers and from files of any size; each
 * growable structure checks its cap and fails with FK_ELIMIT (and a message
 * naming the cap) instead of exhausting memory. Raise a cap here, nowhere else.
 */
#ifndef FK_UTIL_LIMITS_H
#define FK_UTIL_LIMITS_H

/* Longest input line a text reader accepts (folded stacks, perf script). */
#define FK_LIMIT_LINE_BYTES ((size_t)64 << 20)

/* Deepest stack accepted, in frames. */
#define FK_LIMIT_STACK_DEPTH ((size_t)1 << 20)

/* Longest single frame name, in bytes. */
#define FK_LIMIT_FRAME_BYTES ((size_t)16 << 20)

/* Most distinct strings (frame names, ...) in one profile. */
#define FK_LIMIT_STRINGS ((size_t)1 << 30)

/* Most distinct stacks in one profile. */
#define FK_LIMIT_STACKS ((size_t)1 << 30)

/* Most sample types (value columns) in one profile. */
#define FK_LIMIT_SAMPLE_TYPES 64

/* Largest decompressed size of one gzip input. */
#define FK_LIMIT_GUNZIP_BYTES ((unsigned long long)64 << 30)

/* Largest decoded (uncompressed) protobuf accepted, in bytes. The decoded
 * objects take at most about 40 bytes per input byte on hostile input (an
 * empty sub-message is 2 bytes on the wire), so this also bounds memory. */
#define FK_LIMIT_PPROF_BYTES ((size_t)1 << 30)

/* Memory the decoded objects of one profile may take. */
#define FK_LIMIT_PPROF_MEMORY ((size_t)8 << 30)

/* Read size of the streaming input reader. */
#define FK_INPUT_CHUNK_BYTES ((size_t)256 << 10)

#endif

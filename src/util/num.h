/*
 * num.h - numbers in text: parsing counts and printing them back.
 *
 * Counts print as plain integers when they are whole (exact up to 2^53) and
 * otherwise as the shortest decimal that reads back to the same double.
 */
#ifndef FK_UTIL_NUM_H
#define FK_UTIL_NUM_H

#include <stddef.h>
#include <stdint.h>

/* Format v into buf (at least 32 bytes); returns the length. */
size_t fkx_num_format(char *buf, double v);

/* Parse a decimal count [s, s+len): optional '-', digits, optional '.'
 * and digits, optional exponent. 1 on success with *out set, 0 if the text
 * is not such a number (or is not finite). */
int fkx_num_parse(const char *s, size_t len, double *out);

/* Parse an unsigned decimal integer; 1 on success, 0 if empty, not all
 * digits, or above UINT64_MAX. */
int fkx_u64_parse(const char *s, size_t len, uint64_t *out);

#endif

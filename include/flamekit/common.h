/*
 * flamekit/common.h - what every public flamekit header shares: the export
 * macro, the error codes and fk_strerror().
 *
 * Every fallible flamekit function returns an int: 0 on success or one of the
 * negative FK_E* codes below. The codes are append-only: a released number
 * never changes meaning. Details of the last failure on the calling thread
 * (what went wrong and where) are available from fk_error_last().
 */
#ifndef FLAMEKIT_COMMON_H
#define FLAMEKIT_COMMON_H

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define FK_EXTERN __attribute__((visibility("default")))
#else
#define FK_EXTERN
#endif

#define FK_VERSION_STRING "0.1.0"

/* Error codes. Append only; never renumber. */
enum fk_error_code {
    FK_OK = 0,
    FK_ENOMEM = -1,     /* an allocation failed */
    FK_EIO = -2,        /* reading or writing a file or stream failed */
    FK_EFORMAT = -3,    /* the input is not in the expected format */
    FK_ELIMIT = -4,     /* the input exceeds a documented size limit */
    FK_EINVAL = -5,     /* an argument is invalid */
    FK_ETRUNCATED = -6, /* the input ends in the middle of a record */
    FK_ENOTFOUND = -7,  /* a named thing (file, sample type, ...) does not exist */
    FK_EEMPTY = -8,     /* the input holds no samples */
    FK_EBUSY = -9       /* already in use (a CPU profile runs, the endpoint is served) */
};

/* A short, static, English description of an error code. Never NULL. */
FK_EXTERN const char *fk_strerror(int code);

/* The last error recorded on the calling thread. `message` says what failed
 * and where (file, line, byte offset when known); it stays valid until the
 * next flamekit call on the same thread. code is FK_OK if nothing failed. */
typedef struct fk_error {
    int code;
    const char *message;
} fk_error;

FK_EXTERN const fk_error *fk_error_last(void);

/* Forget the last error of the calling thread. */
FK_EXTERN void fk_error_clear(void);

#ifdef __cplusplus
}
#endif
#endif

/*
 * curl_api.h - libcurl, loaded when a command first fetches something.
 *
 * Linking libcurl into the flamekit binary pulls in some thirty libraries
 * (TLS, Kerberos, LDAP, ...) whose relocations cost every run about 10 ms,
 * collapse and svg included, which never use the network. So src/fetch
 * calls libcurl through these pointers, filled by fk_curl_load() from
 * libcurl.so.4 on first use. Include this instead of <curl/curl.h>: the
 * curl_* names below then refer to the loaded functions.
 */
#ifndef FK_FETCH_CURL_API_H
#define FK_FETCH_CURL_API_H

#define CURL_DISABLE_TYPECHECK 1 /* curl_easy_setopt & co. as plain calls */
#include <curl/curl.h>

typedef struct fk_curl_api {
    CURLcode (*global_init)(long);
    CURL *(*easy_init)(void);
    CURLcode (*easy_setopt)(CURL *, CURLoption, ...);
    CURLcode (*easy_getinfo)(CURL *, CURLINFO, ...);
    void (*easy_cleanup)(CURL *);
    const char *(*easy_strerror)(CURLcode);
    void (*free_)(void *);
    CURLM *(*multi_init)(void);
    CURLMcode (*multi_add_handle)(CURLM *, CURL *);
    CURLMcode (*multi_remove_handle)(CURLM *, CURL *);
    CURLMcode (*multi_perform)(CURLM *, int *);
    CURLMcode (*multi_poll)(CURLM *, struct curl_waitfd[], unsigned int, int, int *);
    CURLMsg *(*multi_info_read)(CURLM *, int *);
    CURLMcode (*multi_cleanup)(CURLM *);
    CURLU *(*url)(void);
    CURLUcode (*url_set)(CURLU *, CURLUPart, const char *, unsigned int);
    CURLUcode (*url_get)(const CURLU *, CURLUPart, char **, unsigned int);
    void (*url_cleanup)(CURLU *);
} fk_curl_api;

extern fk_curl_api fk_curl;

/* Load libcurl once (thread-safe). 0, or FK_EIO with the reason recorded. */
int fk_curl_load(void);

#undef curl_easy_setopt
#undef curl_easy_getinfo
#define curl_global_init         fk_curl.global_init
#define curl_easy_init           fk_curl.easy_init
#define curl_easy_setopt         fk_curl.easy_setopt
#define curl_easy_getinfo        fk_curl.easy_getinfo
#define curl_easy_cleanup        fk_curl.easy_cleanup
#define curl_easy_strerror       fk_curl.easy_strerror
#define curl_free                fk_curl.free_
#define curl_multi_init          fk_curl.multi_init
#define curl_multi_add_handle    fk_curl.multi_add_handle
#define curl_multi_remove_handle fk_curl.multi_remove_handle
#define curl_multi_perform       fk_curl.multi_perform
#define curl_multi_poll          fk_curl.multi_poll
#define curl_multi_info_read     fk_curl.multi_info_read
#define curl_multi_cleanup       fk_curl.multi_cleanup
#define curl_url                 fk_curl.url
#define curl_url_set             fk_curl.url_set
#define curl_url_get             fk_curl.url_get
#define curl_url_cleanup         fk_curl.url_cleanup

#endif

/*
 * curl_api.c - load libcurl on first use (see curl_api.h).
 */
#include "curl_api.h"

#include "util/error.h"

#include <dlfcn.h>
#include <pthread.h>
#include <string.h>

fk_curl_api fk_curl;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_err;
static char load_msg[256];

/* Resolve one symbol into *slot; 0 or -1. */
static int sym(void *lib, const char *name, void *slot)
{
    void *f = dlsym(lib, name);
    if (f == NULL) {
        snprintf(load_msg, sizeof load_msg, "libcurl lacks %s", name);
        return -1;
    }
    memcpy(slot, &f, sizeof f);
    return 0;
}

static void load(void)
{
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (lib == NULL) {
        const char *e = dlerror();
        snprintf(load_msg, sizeof load_msg, "cannot load libcurl: %s", e ? e : "unknown error");
        load_err = -1;
        return;
    }
    struct {
        const char *name;
        void *slot;
    } table[] = {
        {"curl_global_init", &fk_curl.global_init},
        {"curl_easy_init", &fk_curl.easy_init},
        {"curl_easy_setopt", &fk_curl.easy_setopt},
        {"curl_easy_getinfo", &fk_curl.easy_getinfo},
        {"curl_easy_cleanup", &fk_curl.easy_cleanup},
        {"curl_easy_strerror", &fk_curl.easy_strerror},
        {"curl_free", &fk_curl.free_},
        {"curl_multi_init", &fk_curl.multi_init},
        {"curl_multi_add_handle", &fk_curl.multi_add_handle},
        {"curl_multi_remove_handle", &fk_curl.multi_remove_handle},
        {"curl_multi_perform", &fk_curl.multi_perform},
        {"curl_multi_poll", &fk_curl.multi_poll},
        {"curl_multi_info_read", &fk_curl.multi_info_read},
        {"curl_multi_cleanup", &fk_curl.multi_cleanup},
        {"curl_url", &fk_curl.url},
        {"curl_url_set", &fk_curl.url_set},
        {"curl_url_get", &fk_curl.url_get},
        {"curl_url_cleanup", &fk_curl.url_cleanup},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++) {
        if (sym(lib, table[i].name, table[i].slot) < 0) {
            load_err = -1;
            return; /* the library stays loaded; nothing calls into it */
        }
    }
}

int fk_curl_load(void)
{
    pthread_once(&load_once, load);
    if (load_err < 0)
        return fkx_error_set(FK_EIO, "%s (install libcurl4)", load_msg);
    return 0;
}

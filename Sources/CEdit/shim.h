/*
 * libedit from the system (pkg-config libedit): the REPL's line editor, history and completion.
 *
 * el_set, el_get and history take variable arguments, which Swift cannot call: each use cmo makes is wrapped
 * here as a static inline function with fixed arguments.
 */
#ifndef CEDIT_SHIM_H
#define CEDIT_SHIM_H

#include <histedit.h>
#include <stddef.h>
#include <stdio.h>

typedef char *(*cedit_prompt_function)(EditLine *);
typedef unsigned char (*cedit_key_function)(EditLine *, int);

/* An editor reading standard input and drawing on standard error (C's globals, which Swift 6 will not touch). */
static inline EditLine *cedit_init_standard(const char *program) {
    return el_init(program, stdin, stderr, stderr);
}

static inline int cedit_set_prompt(EditLine *el, cedit_prompt_function prompt) {
    return el_set(el, EL_PROMPT, prompt);
}

static inline int cedit_set_editor(EditLine *el, const char *mode) {
    return el_set(el, EL_EDITOR, mode);
}

static inline int cedit_set_history(EditLine *el, History *h) {
    return el_set(el, EL_HIST, history, h);
}

static inline int cedit_add_function(EditLine *el, const char *name, const char *help, cedit_key_function f) {
    return el_set(el, EL_ADDFN, name, help, f);
}

static inline int cedit_bind(EditLine *el, const char *key, const char *name) {
    return el_set(el, EL_BIND, key, name, NULL);
}

static inline int cedit_set_client_data(EditLine *el, void *data) {
    return el_set(el, EL_CLIENTDATA, data);
}

static inline void *cedit_client_data(EditLine *el) {
    void *data = NULL;
    el_get(el, EL_CLIENTDATA, &data);
    return data;
}

/* The edit mode's terminal settings without ISIG: Ctrl-C reaches the editor as a key instead of a SIGINT. */
static inline int cedit_keys_not_signals(EditLine *el) {
    return el_set(el, EL_SETTY, "-d", "-isig", NULL);
}

static inline int cedit_history_set_size(History *h, int size) {
    HistEvent event;
    return history(h, &event, H_SETSIZE, size);
}

static inline int cedit_history_set_unique(History *h, int unique) {
    HistEvent event;
    return history(h, &event, H_SETUNIQUE, unique);
}

static inline int cedit_history_enter(History *h, const char *line) {
    HistEvent event;
    return history(h, &event, H_ENTER, line);
}

static inline int cedit_history_load(History *h, const char *path) {
    HistEvent event;
    return history(h, &event, H_LOAD, path);
}

static inline int cedit_history_save(History *h, const char *path) {
    HistEvent event;
    return history(h, &event, H_SAVE, path);
}

#endif

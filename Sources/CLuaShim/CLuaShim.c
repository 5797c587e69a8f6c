#include "CLuaShim.h"

#include <stdio.h>
#include <stdlib.h>
#include <lua5.4/lauxlib.h>

static cmo_dispatch_fn swift_dispatch;
static cmo_release_fn swift_release;

void cmo_install(cmo_dispatch_fn dispatch, cmo_release_fn release) {
    swift_dispatch = dispatch;
    swift_release = release;
}

static void *cmo_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    cmo_limits *limits = (cmo_limits *)ud;
    size_t old = ptr ? osize : 0;
    if (nsize == 0) {
        free(ptr);
        limits->memory_used -= old;
        return NULL;
    }
    if (limits->memory_limit && nsize > old && limits->in_host == 0 &&
        limits->memory_used - old + nsize > limits->memory_limit) {
        limits->memory_exceeded = 1;
        return NULL;
    }
    void *block = realloc(ptr, nsize);
    if (block) {
        limits->memory_used = limits->memory_used - old + nsize;
        if (limits->memory_used > limits->memory_peak) limits->memory_peak = limits->memory_used;
    }
    return block;
}

static int cmo_panic(lua_State *L) {
    const char *message = lua_tostring(L, -1);
    fprintf(stderr, "cmo: unprotected Lua error: %s\n", message ? message : "(error object is not a string)");
    abort();
}

lua_State *cmo_newstate(cmo_limits *limits) {
    lua_State *L = lua_newstate(cmo_alloc, limits);
    if (L) lua_atpanic(L, cmo_panic);
    return L;
}

cmo_limits *cmo_limits_of(lua_State *L) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return (cmo_limits *)ud;
}

int cmo_resume_k(lua_State *L, int status, lua_KContext ctx) {
    (void)status;
    (void)ctx;
    if (lua_toboolean(L, 1)) {
        lua_remove(L, 1);
        return lua_gettop(L);
    }
    lua_settop(L, 2);
    return lua_error(L);
}

static int cmo_trampoline(lua_State *L) {
    void **slot = (void **)lua_touserdata(L, lua_upvalueindex(1));
    cmo_limits *limits = cmo_limits_of(L);
    limits->in_host++;
    int result = swift_dispatch(L, *slot);
    limits->in_host--;
    if (result >= 0) return result;
    if (result == CMO_RESULT_YIELD) return lua_yieldk(L, lua_gettop(L), 0, cmo_resume_k);
    return lua_error(L);
}

static int cmo_box_gc(lua_State *L) {
    void **slot = (void **)lua_touserdata(L, 1);
    if (slot && *slot) {
        swift_release(*slot);
        *slot = NULL;
    }
    return 0;
}

void cmo_push_function(lua_State *L, void *box) {
    cmo_limits *limits = cmo_limits_of(L);
    limits->in_host++;
    void **slot = (void **)lua_newuserdatauv(L, sizeof(void *), 0);
    *slot = box;
    if (luaL_newmetatable(L, "cmo.binding")) {
        lua_pushcfunction(L, cmo_box_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    lua_pushcclosure(L, cmo_trampoline, 1);
    limits->in_host--;
}

static void cmo_budget_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    cmo_limits *limits = cmo_limits_of(L);
    limits->instructions += limits->hook_every;
    /* A stop asked for from another thread (a timer, a signal) while Lua code runs without waiting: stop now. */
    if (limits->stop_request && limits->interrupted == 0 && __atomic_exchange_n(limits->stop_request, 0, __ATOMIC_ACQ_REL))
        limits->interrupted = 2;
    if (limits->instruction_limit && limits->instructions > limits->instruction_limit)
        limits->instructions_exceeded = 1;
    /* An interruption takes effect after its grace ticks, which stopped code gets for cleaning up. */
    if (limits->interrupted > 1) limits->interrupted--;
    if (!(limits->instructions_exceeded || limits->memory_exceeded || limits->interrupted == 1)) return;
    /* Yield to the host, which discards the thread: a script's pcall cannot catch a yield. */
    if (lua_isyieldable(L)) {
        lua_yield(L, 0);
        return;
    }
    /* Not yieldable here (inside a C call): raise; the next tick after any pcall raises or yields again. */
    if (limits->instructions_exceeded) luaL_error(L, "instruction budget exceeded");
    else if (limits->memory_exceeded) luaL_error(L, "memory budget exceeded");
    else luaL_error(L, "interrupted");
}

void cmo_request_stop(int *flag) {
    __atomic_store_n(flag, 1, __ATOMIC_RELEASE);
}

void cmo_clear_stop_request(int *flag) {
    __atomic_store_n(flag, 0, __ATOMIC_RELEASE);
}

void cmo_set_budget_hook(lua_State *L, int every) {
    cmo_limits *limits = cmo_limits_of(L);
    limits->hook_every = every;
    lua_sethook(L, cmo_budget_hook, LUA_MASKCOUNT, every);
}

static int cmo_tostring_body(lua_State *L) {
    luaL_tolstring(L, 1, NULL);
    return 1;
}

int cmo_protected_tostring(lua_State *L, int idx) {
    int value = lua_absindex(L, idx);
    lua_pushcfunction(L, cmo_tostring_body);
    lua_pushvalue(L, value);
    return lua_pcall(L, 1, 1, 0);
}

void cmo_traceback(lua_State *L, lua_State *co, const char *msg, int level) {
    luaL_traceback(L, co, msg, level);
}

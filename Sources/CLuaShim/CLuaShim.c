#include "CLuaShim.h"

#include <stdio.h>
#include <stdlib.h>
#include <lua5.4/lauxlib.h>

static luakit_dispatch_fn swift_dispatch;
static luakit_release_fn swift_release;

void luakit_install(luakit_dispatch_fn dispatch, luakit_release_fn release) {
    swift_dispatch = dispatch;
    swift_release = release;
}

static void *luakit_alloc(void *ud, void *ptr, size_t osize, size_t nsize) {
    luakit_limits *limits = (luakit_limits *)ud;
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

static int luakit_panic(lua_State *L) {
    const char *message = lua_tostring(L, -1);
    fprintf(stderr, "LuaKit: unprotected Lua error: %s\n", message ? message : "(error object is not a string)");
    abort();
}

lua_State *luakit_newstate(luakit_limits *limits) {
    lua_State *L = lua_newstate(luakit_alloc, limits);
    if (L) lua_atpanic(L, luakit_panic);
    return L;
}

luakit_limits *luakit_limits_of(lua_State *L) {
    void *ud = NULL;
    lua_getallocf(L, &ud);
    return (luakit_limits *)ud;
}

int luakit_resume_k(lua_State *L, int status, lua_KContext ctx) {
    (void)status;
    (void)ctx;
    if (lua_toboolean(L, 1)) {
        lua_remove(L, 1);
        return lua_gettop(L);
    }
    lua_settop(L, 2);
    return lua_error(L);
}

static int luakit_trampoline(lua_State *L) {
    void **slot = (void **)lua_touserdata(L, lua_upvalueindex(1));
    luakit_limits *limits = luakit_limits_of(L);
    limits->in_host++;
    int result = swift_dispatch(L, *slot);
    limits->in_host--;
    if (result >= 0) return result;
    if (result == LUAKIT_RESULT_YIELD) return lua_yieldk(L, lua_gettop(L), 0, luakit_resume_k);
    return lua_error(L);
}

static int luakit_box_gc(lua_State *L) {
    void **slot = (void **)lua_touserdata(L, 1);
    if (slot && *slot) {
        swift_release(*slot);
        *slot = NULL;
    }
    return 0;
}

void luakit_push_function(lua_State *L, void *box) {
    luakit_limits *limits = luakit_limits_of(L);
    limits->in_host++;
    void **slot = (void **)lua_newuserdatauv(L, sizeof(void *), 0);
    *slot = box;
    if (luaL_newmetatable(L, "luakit.binding")) {
        lua_pushcfunction(L, luakit_box_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_setmetatable(L, -2);
    lua_pushcclosure(L, luakit_trampoline, 1);
    limits->in_host--;
}

static void luakit_budget_hook(lua_State *L, lua_Debug *ar) {
    (void)ar;
    luakit_limits *limits = luakit_limits_of(L);
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

void luakit_request_stop(int *flag) {
    __atomic_store_n(flag, 1, __ATOMIC_RELEASE);
}

void luakit_clear_stop_request(int *flag) {
    __atomic_store_n(flag, 0, __ATOMIC_RELEASE);
}

void luakit_set_budget_hook(lua_State *L, int every) {
    luakit_limits *limits = luakit_limits_of(L);
    limits->hook_every = every;
    lua_sethook(L, luakit_budget_hook, LUA_MASKCOUNT, every);
}

static int luakit_tostring_body(lua_State *L) {
    luaL_tolstring(L, 1, NULL);
    return 1;
}

int luakit_protected_tostring(lua_State *L, int idx) {
    int value = lua_absindex(L, idx);
    lua_pushcfunction(L, luakit_tostring_body);
    lua_pushvalue(L, value);
    return lua_pcall(L, 1, 1, 0);
}

void luakit_traceback(lua_State *L, lua_State *co, const char *msg, int level) {
    luaL_traceback(L, co, msg, level);
}

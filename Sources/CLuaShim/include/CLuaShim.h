/*
 * The only C code of the project: the trampolines that call Swift bindings and, on their behalf, raise Lua
 * errors or yield; the allocator that enforces the memory cap; and the count hook that enforces the
 * instruction budget. A Lua error never longjmps across a Swift frame: Swift returns a code, C raises.
 */
#ifndef CLUASHIM_H
#define CLUASHIM_H

#include <stddef.h>
#include <lua5.4/lua.h>

/* What a Swift binding returns to its trampoline, besides a count of results (>= 0). */
#define LUAKIT_RESULT_ERROR (-1) /* an error value is on top of the stack: raise it */
/* The stack holds exactly the values to yield: yield them, resume through luakit_resume_k. */
#define LUAKIT_RESULT_YIELD (-2)

/* Budgets shared by every thread of one state. The allocator's userdata. */
typedef struct luakit_limits {
    size_t memory_used;
    size_t memory_peak;
    size_t memory_limit;          /* 0: no cap */
    int in_host;                  /* > 0 while a Swift binding runs: allocations never fail then */
    int memory_exceeded;
    long long instructions;       /* counted in steps of hook_every */
    long long instruction_limit;  /* 0: no budget */
    int hook_every;
    int instructions_exceeded;
    volatile int interrupted;     /* set by the host: 1 + grace ticks; the hook stops the code when it reaches 1 */
    int *stop_request;            /* set from any thread (luakit_request_stop); the hook makes it an interruption */
    void *host;                   /* the Swift LuaState that owns this state (unretained) */
} luakit_limits;

/* Swift's dispatcher: calls the Swift closure `box` for the running C function. */
typedef int (*luakit_dispatch_fn)(lua_State *L, void *box);
/* Swift's release of a closure box, called by the box userdata's __gc. */
typedef void (*luakit_release_fn)(void *box);

/* Asks the state whose luakit_limits.stop_request is `flag` to stop its running Lua code at the next hook tick.
   Safe from any thread. */
void luakit_request_stop(int *flag);
/* Withdraws a stop request that the host handled otherwise. */
void luakit_clear_stop_request(int *flag);

/* Installs the dispatcher and the release function (once per process; idempotent). */
void luakit_install(luakit_dispatch_fn dispatch, luakit_release_fn release);

/* A new state whose allocator enforces `limits` (which must outlive it), with a panic handler. */
lua_State *luakit_newstate(luakit_limits *limits);

/* The limits of the state `L` belongs to. */
luakit_limits *luakit_limits_of(lua_State *L);

/* Pushes a Lua function that calls Swift `box` (retained by the caller; released by __gc). */
void luakit_push_function(lua_State *L, void *box);

/* Installs the count hook on L; threads created later from L inherit it. */
void luakit_set_budget_hook(lua_State *L, int every);

/* luaL_tolstring in protected mode (calls __tostring). Pushes the string, or an error message; returns the status. */
int luakit_protected_tostring(lua_State *L, int idx);

/* luaL_traceback of `co` pushed on L, with `msg` as the first line. */
void luakit_traceback(lua_State *L, lua_State *co, const char *msg, int level);

/* The continuation of a yielded binding: resumed with (true, results...) or (false, error). */
int luakit_resume_k(lua_State *L, int status, lua_KContext ctx);

#endif

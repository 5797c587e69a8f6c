#ifndef CLUASHIM_H
#define CLUASHIM_H
#include <lua5.4/lua.h>
int cmo_shim_placeholder(void);
#endif

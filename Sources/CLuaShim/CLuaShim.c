#include "CLuaShim.h"
int cmo_shim_placeholder(void) { return 0; }

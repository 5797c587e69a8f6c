/*
 * libedit from the system (pkg-config libedit): the REPL's line editor, history and completion.
 */
#ifndef CEDIT_SHIM_H
#define CEDIT_SHIM_H

#include <histedit.h>

#endif

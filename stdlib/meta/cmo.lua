---@meta
-- Type stubs of the `cmo` and `json` modules for lua-language-server: add `stdlib/meta` to
-- `workspace.library` (see README) and editors complete and check workflow scripts.
-- Every binding that talks to the API waits without blocking other tasks and raises an error value on failure.

---@class cmo
---@field vars table<string, string> the `--var KEY=VALUE` pairs
---@field dry_run boolean true under `--dry-run`: reads are real, changes are only reported
---@field log cmo.Log
cmo = {}

---@class cmo.Error
---@field kind string `http`, `auth`, `network`, `timeout`, `outcome_unknown`, `decoding`, `monitor_failed`, `monitor_timeout`, `conflict`, `guard`, `cancelled`, `error`
---@field message string one line for people
---@field where? string `file:line:` of the call that failed
---@field status? integer the HTTP status
---@field title? string the problem's title
---@field detail? string the problem's detail
---@field correlation_id? string for support requests
---@field trace_id? string
---@field retryable? boolean whether trying again later may succeed
---@field attempts? integer requests made
---@field monitor? cmo.Monitor for `monitor_failed` and `monitor_timeout`

---@class cmo.Monitor
---@field id string `<ICCID>-<epoch millis>` on the real service
---@field state "InProgress"|"Completed"|"InError"
---@field href? string
---@field sourceHref? string the sub-product the change is about
---@field reason? string why it ended InError

---@class cmo.ListOptions
---@field fields? string[] fields to fetch (default: all)
---@field page_size? integer products per request (default: 100)
---@field read_ahead? integer most pages requested ahead while the script waits for pages (default: 4; 1 never requests past the end)
---@field where? table<string, string|string[]> client-side equality filter, e.g. `{status = "INACTIVE", connectivity_type = "CELLULAR"}`

---@class cmo.PatchOp
---@field op "replace"|"test"|"add"|"remove"|"move"|"copy"
---@field path string a JSON Pointer, e.g. `/status`
---@field value? any
---@field from? string

---@class cmo.PatchOptions
---@field wait? boolean wait for the monitor of an async backend (default: false)
---@field timeout? number seconds to wait for it (default: 120)

---@class cmo.PatchResult
---@field state "completed"|"accepted" completed: sync backend (or waited); accepted: a monitor runs
---@field product? table the changed sub-product (sync backends)
---@field monitor? cmo.Monitor
---@field replayed? boolean true when a resumed run took this result from the journal (then no `product`)

---@class cmo.MonitorOptions
---@field timeout? number seconds (default: 120)
---@field interval? number fixed seconds between polls (default: 0.5 growing to 5)

---@class cmo.StatusOptions
---@field wait? boolean wait for the monitor of an async backend (default: true)
---@field timeout? number seconds to wait for it (default: 120)
---@field only_if? string change only a SIM in this status (also sent as a JSON Patch `test` op)

---@class cmo.StatusOutcome
---@field state "changed"|"unchanged"|"skipped"|"accepted"|"would_change"|"intent"
---@field id string the product id
---@field iccid? string
---@field from? string the status before
---@field to string the status asked for
---@field async boolean whether the backend answered with a monitor
---@field monitor? cmo.Monitor
---@field product? table the SIM sub-product
---@field replayed? boolean true when a resumed run took the outcome from the journal

---@class cmo.ParallelOptions
---@field concurrency? integer items in progress at most (default: `--concurrency`, 1000; HTTP requests are capped by `--max-in-flight` alone)
---@field fail_fast? boolean stop starting items after the first error (default: false)

---@class cmo.Task
local Task = {}
---Waits for the task; returns its results or raises its error.
---@return any ...
function Task:wait() end
---@return "ready"|"running"|"waiting"|"succeeded"|"failed"
function Task:status() end

---@class cmo.Log
local Log = {}
---@param message string
---@param fields? table<string, any>
function Log.info(message, fields) end
---@param message string
---@param fields? table<string, any>
function Log.warn(message, fields) end
---@param message string
---@param fields? table<string, any>
function Log.error(message, fields) end

---Products, fetched a page at a time (the next page is prefetched, up to `read_ahead` while the script waits for pages). Safe to share between `cmo.parallel` workers.
---@param opts? cmo.ListOptions
---@return fun(): table? iterator
function cmo.list(opts) end

---Every product (matching `opts.where`) as an array.
---@param opts? cmo.ListOptions
---@return table[]
function cmo.list_all(opts) end

---The product bundle, sub-products in `productRelationship`.
---@param id string
---@return table
function cmo.product(id) end

---Looks products up by ICCID (`POST product/find`).
---@param iccids string[]
---@return table[] products
---@return string[] misses ICCIDs the API does not know
function cmo.find(iccids) end

---Sends a JSON Patch to `id` (`-simCard` is added when the id names no sub-product). Recorded in the report.
---@param id string
---@param ops cmo.PatchOp[]
---@param opts? cmo.PatchOptions
---@return cmo.PatchResult
function cmo.patch(id, ops, opts) end

---Polls a monitor until it completes; raises `monitor_failed` (InError) or `monitor_timeout`.
---@param monitor cmo.Monitor|string
---@param opts? cmo.MonitorOptions
---@return cmo.Monitor
function cmo.await_monitor(monitor, opts) end

---Changes the SIM's status if needed and waits for the monitor on async backends. When the run has seen the
---SIM's status (a `cmo.list` row, `cmo.product`, an earlier change, or a product table passed in) the PATCH goes
---out at once with a `test` of that status; otherwise the SIM is read first. A stale status fails the test and
---the SIM is read again. Retries safely after ambiguous failures (it reads again first). A dry run raises a
---`refused` error for a transition the backend refuses. Recorded in the report; obeys `--dry-run` and the guards.
---@param id string|table a product id, or a product table with `id` (and its status)
---@param status string e.g. "ACTIVE", "SUSPENDED", "INACTIVE"
---@param opts? cmo.StatusOptions
---@return cmo.StatusOutcome
function cmo.set_status(id, status, opts) end

---`cmo.set_status(id, "ACTIVE", opts)`.
---@param id string|table
---@param opts? cmo.StatusOptions
---@return cmo.StatusOutcome
function cmo.activate(id, opts) end

---`cmo.set_status(id, "SUSPENDED", opts)`.
---@param id string|table
---@param opts? cmo.StatusOptions
---@return cmo.StatusOutcome
function cmo.suspend(id, opts) end

---`cmo.set_status(id, status, opts)` with the backend's termination status: TERMINATED, or PENDING_TERMINATE
---on TMUS (which ends the subscription itself).
---@param id string|table
---@param opts? cmo.StatusOptions
---@return cmo.StatusOutcome
function cmo.terminate(id, opts) end

---A product's consumption, flat: bytes as integers, SMS as a count, voice in seconds. Figures the backend does not
---report are nil (only TMSP reports SMS, voice, the last day and a data limit).
---@class cmo.Usage
---@field id string the usage sub-product's id
---@field period_start? string
---@field period_end? string
---@field data_bytes? integer data used this billing period
---@field data_limit_bytes? integer
---@field sms? integer
---@field voice_seconds? integer
---@field last_day_data_bytes? integer
---@field last_day_sms? integer
---@field last_day_voice_seconds? integer

---Reads the product's usage sub-product (`-usageVolume-data`).
---@param id string|table a product id or a product table
---@return cmo.Usage
function cmo.usage(id) end

---The simCard sub-product of a bundle (or the argument when it is one); nil for a satellite bundle. Raises for
---a listing row (summary or projection), which has no sub-products.
---@param product table
---@return table?
function cmo.sim(product) end

---The terminal sub-product of a satellite bundle (or the argument when it is one); nil for a cellular bundle.
---@param product table
---@return table?
function cmo.terminal(product) end

---A satellite terminal's serial number (bundle, terminal, summary, or from the id); nil for a cellular product.
---@param product table
---@return string?
function cmo.serial(product) end

---The `value` of the characteristic `name` of a product or sub-product.
---@param t table
---@param name string e.g. "ICCID", "simNotes", "SYSTEM"
---@return any
function cmo.characteristic(t, name) end

---The ICCID of a bundle, sub-product, listing summary or projection (from the id); nil for a satellite product.
---@param product table
---@return string?
function cmo.iccid(product) end

---The backend: the `SYSTEM` characteristic or `system` field, else the id's prefix.
---@param product table|string
---@return string?
function cmo.backend(product) end

---Whether the backend answers changes with a monitor (TMSP, INTELSAT, AIRLINQ, STC, TURKCELL, GALAXY1).
---@param product table|string
---@return boolean
function cmo.is_async(product) end

---Calls `fn(...)`; never raises: returns `true, results...` or `false, error value`.
---@param fn function
---@return boolean ok
---@return any ...
function cmo.try(fn, ...) end

---A `--input NAME=PATH` file: CSV rows keyed by header (`.csv`), else the non-empty lines.
---@param name string
---@return table
function cmo.input(name) end

---Seconds since the epoch, with a fraction.
---@return number
function cmo.now() end

---Waits without blocking other tasks.
---@param seconds number
function cmo.sleep(seconds) end

---Runs `fn(...)` as a new task.
---@param fn function
---@return cmo.Task
function cmo.spawn(fn, ...) end

---Waits for every task; `results[i]` is the first result of `tasks[i]`; raises the first error.
---@param tasks cmo.Task[]
---@return any[]
function cmo.wait_all(tasks) end

---Calls `fn(item, index)` for each item, at most `concurrency` at once; results in input order, an error value
---in the slot of an item that raised.
---@param items any[]|fun(): any
---@param fn fun(item: any, index: integer): any
---@param opts? cmo.ParallelOptions
---@return any[] results
---@return integer failures
function cmo.parallel(items, fn, opts) end

---A workflow written as a plan and an action: a script that returns one is run as `cmo.parallel(plan(), apply)`.
---With `cmo run --distributed` the plan runs once on the coordinator and each worker applies its shards' items
---(which travel as JSON: strings, numbers, booleans and tables of them).
---@class cmo.Workflow
---@field plan fun(): any[] read-only: the items (product ids, or small tables with a string `id`)
---@field apply fun(item: any, index: integer): any changes one item (distributed: `index` counts within its shard)

---Whether `value` is an error value.
---@param value any
---@return boolean
function cmo.is_error(value) end

---A new error value, for `error(...)`.
---@param kind string
---@param message string
---@param fields? table
---@return cmo.Error
function cmo.new_error(kind, message, fields) end

---@class json
---@field null userdata the JSON null, distinct from nil
json = {}

---@class json.EncodeOptions
---@field indent? integer spaces per level (default: compact)

---@param value any
---@param opts? json.EncodeOptions
---@return string
function json.encode(value, opts) end

---@param text string
---@return any
function json.decode(text) end

---Marks a table (new when omitted) to encode as a JSON array, even when empty.
---@param t? table
---@return table
function json.array(t) end

---Marks a table (new when omitted) to encode as a JSON object, even when empty.
---@param t? table
---@return table
function json.object(t) end

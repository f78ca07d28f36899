/** A value that survives `JSON.stringify` / `JSON.parse` unchanged. Plugin configs and checkpoint state use it. */
export type JSONValue = null | string | number | boolean | JSONObject | JSONValue[];
export type JSONObject = { [key: string]: JSONValue | undefined };

// `express4` is an npm alias of express@4 used to run the same tests on Express 4.
// Its runtime API for what the tests use (app, routing, json, listen) is the one
// described by Express 5's types.
declare module 'express4' {
  import express from 'express';
  export default express;
}

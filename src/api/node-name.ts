/**
 * @module
 * The node a single-machine Baton schedules every pod on. The ReplicaSet controller binds new
 * pods to it and the node agent runs the pods bound to it, so both read it from here.
 */

/** The node name every single-machine component uses unless configured otherwise. */
export const DEFAULT_NODE_NAME = 'baton-node'

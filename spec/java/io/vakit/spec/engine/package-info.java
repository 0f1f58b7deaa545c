/**
 * vakit's own state-machine engine: seeded, weighted generation of action chains with preconditions, a model
 * checked after every action, shrinking of a failing chain (drop actions, then simplify their arguments), and
 * exact replay from a one-line string. It knows nothing of allocators: a {@link io.vakit.spec.engine.StateMachine}
 * supplies the system, the model and the action types.
 */
package io.vakit.spec.engine;

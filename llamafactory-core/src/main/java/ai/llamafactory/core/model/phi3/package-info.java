/** The Phi-3 family: fused q/k/v and gate/up projections. */
package ai.llamafactory.core.model.phi3;

/** Training losses computed without materialising full vocabulary-sized buffers for backward. */
package ai.llamafactory.core.loss;

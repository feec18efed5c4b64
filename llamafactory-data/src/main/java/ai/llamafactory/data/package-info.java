/**
 * The data worker: datasets in LLaMA-Factory's formats, chat templates, tokenisation with label masking, packing and
 * collation. Every row that is rejected is counted and explained.
 */
package ai.llamafactory.data;

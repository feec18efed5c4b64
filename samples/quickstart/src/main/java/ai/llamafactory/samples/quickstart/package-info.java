/** The quickstart sample: the tiny bundled model, scored (and, as the library grows, fine-tuned and chatted with). */
package ai.llamafactory.samples.quickstart;

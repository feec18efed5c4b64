/**
 * Downloads of Hugging Face Hub repositories into the local cache that huggingface_hub uses, so that Java and Python
 * tools share one copy of every file.
 *
 * <p>{@link ai.llamafactory.core.hub.HubClient} lists a repository at a revision, downloads the wanted files
 * (resumable, size- and checksum-verified, safe under concurrent use) and returns the snapshot folder. {@link
 * ai.llamafactory.core.hub.HubFileFilters} holds the default selections for models and adapters.
 *
 * <p>Cache layout (identical to huggingface_hub): {@code <cache>/models--org--name/blobs/<etag>} holds each file's
 * bytes under its hub etag (the LFS sha256 for large files, the git blob sha1 for the others); {@code
 * snapshots/<commit>/<path>} is a relative symbolic link to the blob (a copy where links are not supported); {@code
 * refs/<revision>} holds the commit sha the revision pointed to; {@code <cache>/.locks/models--org--name/<etag>.lock}
 * serialises writers of a blob.
 *
 * <p>{@link ai.llamafactory.api.annotation.Internal Internal}: public for the other modules of this project only, not
 * API; left out of the published javadoc.
 */
@Internal
package ai.llamafactory.core.hub;

import ai.llamafactory.api.annotation.Internal;

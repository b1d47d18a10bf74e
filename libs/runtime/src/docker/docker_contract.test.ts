/** The InstanceRuntime contract against the docker driver (a real daemon and the tenant image). */
import type Docker from 'dockerode';
import { runtimeContract } from '../test/contract.js';
import { dockerForTests, testNamespace, TEST_IMAGE } from '../test/docker_harness.js';
import { removeDockerNamespace } from './docker_api.js';
import { DockerRuntime } from './docker_runtime.js';

runtimeContract('docker', async () => {
  const docker: Docker = await dockerForTests();
  const namespace = testNamespace();
  const runtime = new DockerRuntime({ docker, image: TEST_IMAGE, namespace });
  return {
    runtime,
    sibling: () => new DockerRuntime({ docker, image: TEST_IMAGE, namespace }),
    async cleanup() {
      await runtime.close();
      await removeDockerNamespace(docker, namespace);
    },
  };
});

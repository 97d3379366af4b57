// The file format of an exported setup: what `setup.export` writes and `setup.import` reads.
// Checked completely (including the links between its parts) before anything is imported.
import { z } from 'zod';
import {
  DEFAULT_DATA_ROUTER_PORT,
  DEFAULT_ECC_PORT,
  DEFAULT_SOAP_NAMESPACE,
  address,
  componentName,
  connectionType,
  dataSourceName,
  experimentName,
  observableName,
  port,
  remotePath,
  soapNamespace,
  valueType,
} from './domain';

export const SETUP_FORMAT = 'attpc-daq-setup';
export const SETUP_FORMAT_VERSION = 1;

const configSetName = z.string().trim().min(1, 'Required').max(200).regex(/^[\x21-\x7e]+$/, 'Must be ASCII without spaces');

export const setupDocument = z
  .object({
    format: z.literal(SETUP_FORMAT, { error: `Not a setup file (format must be "${SETUP_FORMAT}")` }),
    formatVersion: z
      .number()
      .int()
      .refine((v) => v <= SETUP_FORMAT_VERSION, `This file was written by a newer version (format version above ${SETUP_FORMAT_VERSION})`)
      .refine((v) => v >= 1, 'Unknown format version'),
    exportedAt: z.string().optional(),
    experiment: z.object({ name: experimentName }),
    eccServers: z.array(
      z.object({
        name: componentName,
        address,
        port: port.default(DEFAULT_ECC_PORT),
        logPath: remotePath,
        configRoot: remotePath,
        configBackupRoot: remotePath,
        soapNamespace: soapNamespace.default(DEFAULT_SOAP_NAMESPACE),
        selectedConfigSet: z
          .object({ describe: configSetName, prepare: configSetName, configure: configSetName })
          .nullable()
          .default(null),
      }),
    ),
    dataRouters: z.array(
      z.object({
        name: componentName,
        address,
        port: port.default(DEFAULT_DATA_ROUTER_PORT),
        connectionType: connectionType.default('TCP'),
        logPath: remotePath,
      }),
    ),
    dataSources: z.array(
      z.object({
        name: dataSourceName,
        eccServer: componentName,
        dataRouter: componentName,
      }),
    ),
    observables: z
      .array(
        z.object({
          name: observableName,
          valueType,
          units: z.string().max(64).default(''),
          comment: z.string().max(500).default(''),
        }),
      )
      .default([]),
  })
  .superRefine((doc, ctx) => {
    const unique = (list: { name: string }[], key: string, what: string) => {
      const seen = new Set<string>();
      list.forEach((item, i) => {
        if (seen.has(item.name)) {
          ctx.addIssue({ code: 'custom', path: [key, i, 'name'], message: `${what} name "${item.name}" is used twice` });
        }
        seen.add(item.name);
      });
    };
    unique(doc.eccServers, 'eccServers', 'ECC server');
    unique(doc.dataRouters, 'dataRouters', 'Data router');
    unique(doc.dataSources, 'dataSources', 'Data source');
    unique(doc.observables, 'observables', 'Observable');
    const servers = new Set(doc.eccServers.map((s) => s.name));
    const routers = new Set(doc.dataRouters.map((r) => r.name));
    const usedRouters = new Set<string>();
    doc.dataSources.forEach((source, i) => {
      if (!servers.has(source.eccServer)) {
        ctx.addIssue({ code: 'custom', path: ['dataSources', i, 'eccServer'], message: `No ECC server named "${source.eccServer}"` });
      }
      if (!routers.has(source.dataRouter)) {
        ctx.addIssue({ code: 'custom', path: ['dataSources', i, 'dataRouter'], message: `No data router named "${source.dataRouter}"` });
      } else if (usedRouters.has(source.dataRouter)) {
        ctx.addIssue({
          code: 'custom',
          path: ['dataSources', i, 'dataRouter'],
          message: `Data router "${source.dataRouter}" already belongs to another data source`,
        });
      }
      usedRouters.add(source.dataRouter);
    });
  });

export type SetupDocument = z.output<typeof setupDocument>;

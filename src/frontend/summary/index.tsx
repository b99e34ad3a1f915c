/**
 * UI Kit entry of the summary (`jira:issueContext` `testsigma-summary`): the manifest's resource points here.
 */
import React from 'react';
import ForgeReconciler from '@forge/react';
import { Localised } from '../common/i18n';
import { SummaryApp } from './SummaryApp';

ForgeReconciler.render(
  <React.StrictMode>
    <Localised>
      <SummaryApp />
    </Localised>
  </React.StrictMode>,
);
